-- What scripts/bench/map-startup.sh runs in dmap-lua: one action per process, on the engine of -H / DOCKER_HOST.
--
--   dmap-lua scripts/bench/map-startup.lua up|down N NAME [PARALLEL]   mc:startup / mc:shutdown of map NAME
--   dmap-lua scripts/bench/map-startup.lua seq-up|seq-down N NAME      the same containers through plain API calls
--   dmap-lua scripts/bench/map-startup.lua state NAME                  what NAME has on the engine
--   dmap-lua scripts/bench/map-startup.lua cleanup                     remove everything the bench may have left
--
-- The landscape, N containers on one network "net": "db" with a named volume on /data, apps app1 .. app(N-2)
-- linked to db, and "front" linked to every app; all busybox:latest running `sleep 3600`, stop signal SIGKILL.
-- NAME is "mbdmap", "mbseq" or "mbcompose" followed by a number (a new one for every round), and the names on
-- the engine are:
--   dmap-lua, map NAME:       containers NAME.db, NAME.app1, ..., network NAME.net, volume NAME.data
--   sequential API:           containers NAME-db, NAME-app1, ..., network NAME-net, volume NAME-data
--   docker-compose project NAME (the .sh writes the compose file and runs it): NAME_db_1, ..., NAME_net, NAME_data
local mode = arg[1]
local B = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/map-bench.lua")
local IMAGE, FAMILIES = B.IMAGE, { "mbdmap", "mbseq", "mbcompose" }

local function usage()
  io.stderr:write("usage: map-startup.lua up|down|seq-up|seq-down N NAME [PARALLEL] | state NAME | cleanup\n")
  os.exit(2)
end

local docker = dmap.client()

local function ours(name, prefix) return B.ours(name, prefix, FAMILIES) end
local container_name = B.container_name

if mode == "state" then
  -- "RUNNING CONTAINERS NETWORKS VOLUMES" of NAME.
  local prefix = arg[2] or usage()
  local running, containers, networks, volumes = 0, 0, 0, 0
  for _, c in ipairs(docker:containers { all = true }) do
    if ours(container_name(c), prefix) then
      containers = containers + 1
      if c.State == "running" then running = running + 1 end
    end
  end
  for _, net in ipairs(docker:networks()) do if ours(net.Name, prefix) then networks = networks + 1 end end
  for _, v in ipairs(docker:volumes().Volumes or {}) do if ours(v.Name, prefix) then volumes = volumes + 1 end end
  print(running, containers, networks, volumes)
  return
elseif mode == "cleanup" then
  B.cleanup(docker, FAMILIES)
  return
end

local n, name, parallel = tonumber(arg[2]), arg[3], tonumber(arg[4])
if not (n and n >= 3 and n == math.floor(n) and name) then usage() end
local apps = B.apps(n)
local function bench_map() return B.map(name, n) end
local tally = B.tally

-- The sequential variant: the same create request as dmap-lua's (HostConfig.Links, the network as the network
-- mode and its endpoint), without labels and host name.
local net, volume = name .. "-net", name .. "-data"
local function seq_create(config, links, binds)
  local endpoints = {}
  endpoints[net] = {}
  docker:create_container {
    name = name .. "-" .. config, Image = IMAGE, Cmd = { "sleep", "3600" }, StopSignal = "SIGKILL",
    HostConfig = { NetworkMode = net, Binds = binds, Links = links },
    NetworkingConfig = { EndpointsConfig = endpoints },
  }
end

if mode == "up" or mode == "down" then
  local mc = dmap.mapping_client(bench_map(), docker)
  local opts = parallel and { parallel = parallel } or nil
  if mode == "up" then
    local steps = mc:startup("__all__", opts)
    io.stderr:write(("startup: %d steps (%s)\n"):format(#steps, tally(steps)))
  else
    local steps = mc:shutdown("__all__", opts)
    io.stderr:write(("shutdown: %d steps (%s), then remove network %s.net\n"):format(#steps, tally(steps), name))
    -- Docker-Map's shutdown leaves networks; docker-compose down removes its network, and so does this.
    docker:remove_network(name .. ".net")
  end
elseif mode == "seq-up" then
  docker:create_network { Name = net, Driver = "bridge" }
  docker:create_volume { Name = volume }
  seq_create("db", nil, { volume .. ":/data:rw" })
  docker:start(name .. "-db")
  for _, app in ipairs(apps) do
    seq_create(app, { name .. "-db:db" })
    docker:start(name .. "-" .. app)
  end
  local links = {}
  for i, app in ipairs(apps) do links[i] = name .. "-" .. app .. ":" .. app end
  seq_create("front", links)
  docker:start(name .. "-front")
elseif mode == "seq-down" then
  local order = { "front" }
  for _, app in ipairs(apps) do order[#order + 1] = app end
  order[#order + 1] = "db"
  for _, config in ipairs(order) do
    docker:stop(name .. "-" .. config, { t = 10 })
    docker:remove_container(name .. "-" .. config)
  end
  docker:remove_network(net)
else
  usage()
end
