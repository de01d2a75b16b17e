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
local IMAGE, COMMAND = "busybox:latest", "sleep 3600"

local function usage()
  io.stderr:write("usage: map-startup.lua up|down|seq-up|seq-down N NAME [PARALLEL] | state NAME | cleanup\n")
  os.exit(2)
end

local docker = dmap.client()

-- Whether a container, network or volume name is one of the bench's: of NAME, or of any NAME if NAME is nil.
local function ours(name, prefix)
  if prefix then
    local sep = name:sub(#prefix + 1, #prefix + 1)
    return name:sub(1, #prefix) == prefix and (sep == "." or sep == "-" or sep == "_")
  end
  for _, p in ipairs { "mbdmap", "mbseq", "mbcompose" } do
    if name:match("^" .. p .. "%d*[%.%-_]") then return true end
  end
  return false
end

local function container_name(c)
  for _, name in ipairs(c.Names or {}) do
    local plain = name:gsub("^/", "")
    if not plain:find("/", 1, true) then return plain end
  end
  return ""
end

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
  -- Prints the networks that the engine refuses to remove although no container is on them ("has active
  -- endpoints" from a leaked endpoint count, moby/moby#42119): only an engine restart frees them.
  for _, c in ipairs(docker:containers { all = true }) do
    if ours(container_name(c)) then docker:remove_container(c.Id, { force = true }) end
  end
  for _, net in ipairs(docker:networks()) do
    if ours(net.Name) then
      local ok, err = pcall(docker.remove_network, docker, net.Id)
      if not ok then
        local on = docker:inspect_network(net.Id).Containers
        if not tostring(err):find("active endpoints", 1, true) or (on and next(on)) then error(err, 0) end
        print(net.Name)
      end
    end
  end
  for _, v in ipairs(docker:volumes().Volumes or {}) do if ours(v.Name) then docker:remove_volume(v.Name) end end
  return
end

local n, name, parallel = tonumber(arg[2]), arg[3], tonumber(arg[4])
if not (n and n >= 3 and n == math.floor(n) and name) then usage() end
local apps = {}
for i = 1, n - 2 do apps[i] = "app" .. i end

-- The map: every container the same but for its links; db attaches the named volume.
local function bench_map()
  local function container(extra)
    local c = { image = IMAGE, networks = "net", stop_signal = "SIGKILL", create_options = { command = COMMAND } }
    for k, v in pairs(extra) do c[k] = v end
    return c
  end
  local t = { volumes = { data = "/data" }, networks = { net = {} }, db = container { attaches = "data" },
              front = container { links = apps } }
  for _, app in ipairs(apps) do t[app] = container { links = { "db" } } end
  return dmap.map(name, t)
end

-- "50 create container, 50 start container".
local function tally(steps)
  local count, keys = {}, {}
  for _, s in ipairs(steps) do
    local key = s.action .. " " .. s.kind
    if not count[key] then keys[#keys + 1] = key end
    count[key] = (count[key] or 0) + 1
  end
  table.sort(keys)
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = count[k] .. " " .. k end
  return table.concat(out, ", ")
end

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
