-- The shop: a map written in Lua, returned to whoever loads it (`dofile("examples/maps/shop.lua")`). Lists are Lua
-- arrays; a function stands for a value computed when it is needed.
return dmap.map("shop", {
  repository = "registry.example.com/shop",
  default_tag = function() return os.getenv("SHOP_TAG") or "1.0" end,
  volumes = { pgdata = "/var/lib/postgresql/data", uploads = { default_path = "/srv/uploads", user = "app" } },
  networks = { backend = {} },
  containers = {
    db = { image = "postgres:15", attaches = "pgdata", persistent = true, networks = "backend",
           wait = { "healthy", timeout = 60 } },
    base = { abstract = true, user = "app", networks = { { "backend", aliases = { "api" } } } },
    api = { extends = "base", instances = { "one", "two" }, links = { { "db", "database" } }, attaches = "uploads",
            create_options = { environment = { DB_HOST = "database" } } },
    -- web joins backend too: the engine links containers on the default bridge only to containers on it.
    web = { image = "nginx:1.25", networks = "backend", links = { "api.one", "api.two" }, exposes = { { 80, 8080 } },
            uses = "uploads" },
  },
})
