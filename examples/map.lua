-- Container maps: define a landscape in Lua (or load a Docker-Map YAML file), and read what it means before anything
-- runs. No engine is needed.
--
--   dmap-lua examples/map.lua
local here = arg[0]:match("^(.*)/[^/]*$") or "."

-- A map written in Lua (examples/maps/shop.lua returns it). Lists are Lua arrays; a function stands for a value
-- computed when it is needed.
local m = dofile(here .. "/maps/shop.lua")

print("containers: " .. table.concat(m:containers(), ", "))
for _, name in ipairs(m:containers()) do print(("  %-4s image %s"):format(name, m:image(name))) end
print("web depends on: " .. table.concat(m:dependencies("web"), ", "))
local api = m:get("api")  -- extended: what it inherits from base is merged in
print(("api runs as %s on %s with alias %s"):format(api.user, api.networks[1].network_name, api.networks[1].aliases[1]))

-- Every problem of a map is reported at once, each at its place, before anything is sent to an engine.
local ok, err = pcall(dmap.map, "shop", { web = { links = { "apii" } }, api = { instances = { "one" }, environment = {} } })
print(err.message)

-- A Docker-Map YAML file, read unchanged.
local webapp = dmap.load_map(here .. "/maps/webapp.yaml")
print(webapp:name() .. ": " .. table.concat(webapp:containers(), ", "))
print("web_server depends on: " .. table.concat(webapp:dependencies("web_server"), ", "))
