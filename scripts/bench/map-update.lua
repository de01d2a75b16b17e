-- What scripts/bench/map-update.sh runs in dmap-lua: one command per process, on the engine of -H / DOCKER_HOST.
--
--   dmap-lua scripts/bench/map-update.lua up N NAME [VALUE]       mc:startup("__all__") of map NAME
--   dmap-lua scripts/bench/map-update.lua update N NAME [VALUE]   mc:update("__all__") of map NAME
--   dmap-lua scripts/bench/map-update.lua ids NAME                "name id" of each container of NAME, sorted
--   dmap-lua scripts/bench/map-update.lua cleanup                 remove everything the bench may have left
--
-- The landscape is map-startup.lua's: N busybox:latest containers running `sleep 3600` with stop signal SIGKILL on
-- one network "net": "db" with a named volume on /data, apps app1 .. app(N-2) linked to db, "front" linked to every
-- app. With VALUE (not empty), the app in the middle, app(floor((N-1)/2)), has the environment BENCH_VALUE=VALUE:
-- the .sh changes VALUE to change that one container. NAME is "mudmap" or "mucompose" followed by a number; the
-- names on the engine are NAME.db, NAME.app1, ..., NAME.net, NAME.data (docker-compose: NAME_db_1, ..., NAME_net).
--
-- `update` reports on stderr the steps and the time of the mc:update call itself, without the process start-up,
-- the map and the mapping client: "update: K steps (...); call X ms wall, Y ms cpu". The wall time is read with
-- `date +%s%N` before and after the call (dmap-lua has no wall clock of its own), less the cost of one such read,
-- measured just before; the cpu time is os.clock's (this process only, not the engine's).
local mode = arg[1]
local IMAGE, COMMAND = "busybox:latest", "sleep 3600"

local function usage()
  io.stderr:write("usage: map-update.lua up|update N NAME [VALUE] | ids NAME | cleanup\n")
  os.exit(2)
end

local docker = dmap.client()

-- Whether a container, network or volume name is one of the bench's: of NAME, or of any NAME if NAME is nil.
local function ours(name, prefix)
  if prefix then
    local sep = name:sub(#prefix + 1, #prefix + 1)
    return name:sub(1, #prefix) == prefix and (sep == "." or sep == "_")
  end
  for _, p in ipairs { "mudmap", "mucompose" } do
    if name:match("^" .. p .. "%d*[%._]") then return true end
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

if mode == "ids" then
  local prefix = arg[2] or usage()
  local lines = {}
  for _, c in ipairs(docker:containers { all = true }) do
    local name = container_name(c)
    if ours(name, prefix) then lines[#lines + 1] = name .. " " .. c.Id .. " " .. c.State end
  end
  table.sort(lines)
  for _, line in ipairs(lines) do print(line) end
  return
elseif mode == "cleanup" then
  -- Prints the networks the engine refuses to remove although no container is on them (moby/moby#42119; see
  -- map-startup.lua).
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

local n, name, value = tonumber(arg[2]), arg[3], arg[4]
if not (n and n >= 3 and n == math.floor(n) and name) then usage() end
if value == "" then value = nil end
local apps = {}
for i = 1, n - 2 do apps[i] = "app" .. i end
local middle = apps[(n - 1) // 2]

-- map-startup.lua's map, and the environment of the app in the middle.
local function bench_map()
  local function container(extra)
    local c = { image = IMAGE, networks = "net", stop_signal = "SIGKILL", create_options = { command = COMMAND } }
    for k, v in pairs(extra) do c[k] = v end
    return c
  end
  local t = { volumes = { data = "/data" }, networks = { net = {} }, db = container { attaches = "data" },
              front = container { links = apps } }
  for _, app in ipairs(apps) do t[app] = container { links = { "db" } } end
  if value then
    t[middle].create_options = { command = COMMAND, environment = { BENCH_VALUE = value } }
  end
  return dmap.map(name, t)
end

-- "1 stop container, 1 remove container, ...".
local function tally(steps)
  local count, keys = {}, {}
  for _, s in ipairs(steps) do
    local key = s.action .. " " .. s.kind
    if not count[key] then keys[#keys + 1] = key end
    count[key] = (count[key] or 0) + 1
  end
  local out = {}
  for _, k in ipairs(keys) do out[#out + 1] = count[k] .. " " .. k end
  return table.concat(out, ", ")
end

-- Nanoseconds since the epoch, from date(1).
local function now()
  local p = assert(io.popen("date +%s%N"))
  local t = tonumber(p:read("a"))
  p:close()
  return t
end

local mc = dmap.mapping_client(bench_map(), docker)
if mode == "up" then
  local steps = mc:startup("__all__")
  io.stderr:write(("startup: %d steps (%s)\n"):format(#steps, tally(steps)))
elseif mode == "update" then
  local a = now()
  local b = now()
  local c0 = os.clock()
  local steps = mc:update("__all__")
  local c1 = os.clock()
  local c = now()
  local wall = ((c - b) - (b - a)) / 1e6
  io.stderr:write(("update: %d steps (%s); call %.1f ms wall, %.1f ms cpu\n"):format(
    #steps, tally(steps), wall, (c1 - c0) * 1000))
else
  usage()
end
