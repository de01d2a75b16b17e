-- The map examples/startup.lua brings up and down (`dofile("examples/maps/startup.lua")` returns it): busybox
-- containers on one network, a volume prepared for user 1000, and an exec command run once when app starts first.
return dmap.map("dmap-startup-example", {
  volumes = { data = { default_path = "/data", user = "1000", permissions = "u=rwX,g=rX,o=" } },
  networks = { back = {} },
  -- sleep ignores SIGTERM as PID 1, so these stop with SIGKILL at once.
  db  = { image = "busybox:latest", attaches = "data", networks = "back", stop_signal = "SIGKILL",
          create_options = { command = "sleep 600" } },
  app = { image = "busybox:latest", instances = { "one", "two" }, links = { { "db", "database" } },
          networks = { { "back", aliases = { "app" } } }, stop_signal = "SIGKILL",
          create_options = { command = "sleep 600", environment = { MODE = "demo" } },
          -- "initial": run when the container starts for the first time. A command that ends at once must not be
          -- a "restart" one (the default): update finds no process of it and would run it again every time.
          exec_commands = { { cmd = "touch /tmp/ready", policy = "initial" } } },
})
