-- Bringing a map up and down: plan first, then startup, a second startup that has nothing to do, and shutdown.
--
--   dmap-lua examples/startup.lua        (uses the engine at $DOCKER_HOST or -H; needs busybox:latest)
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local m = dofile(here .. "/maps/startup.lua")   -- the map: two configurations, a volume and a network
local mc = dmap.mapping_client(m)

local function show(title, steps)
  print(("%s: %d steps"):format(title, #steps))
  for _, s in ipairs(steps) do
    print(("  %-7s %-9s %-34s %s"):format(s.action, s.kind, s.name, s.reason or ""))
  end
end

local ok, err = pcall(function()
  show("plan", mc:plan("startup", "app"))
  show("startup", mc:startup("app"))
  show("startup again", mc:startup("app"))   -- nothing to do: everything runs
  local docker = dmap.client()
  local r = docker:exec_start(docker:exec_create("dmap-startup-example.app.one", { Cmd = { "sh", "-c", "ls /tmp/ready && ping -c1 -W1 database >/dev/null && echo db reachable" } }))
  io.write(r.stdout)
end)
show("shutdown", mc:shutdown("__all__"))
-- The volume and the network stay (Docker-Map's shutdown removes containers only); remove them by hand here.
local docker = dmap.client()
pcall(docker.remove_network, docker, "dmap-startup-example.back")
pcall(docker.remove_volume, docker, "dmap-startup-example.data")
if not ok then error(err, 0) end
