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
local B = dofile((arg[0]:match("^(.*)/[^/]*$") or ".") .. "/map-bench.lua")
local FAMILIES = { "mudmap", "mucompose" }

local function usage()
  io.stderr:write("usage: map-update.lua up|update N NAME [VALUE] | ids NAME | cleanup\n")
  os.exit(2)
end

local docker = dmap.client()

local function ours(name, prefix) return B.ours(name, prefix, FAMILIES) end
local container_name = B.container_name

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
  B.cleanup(docker, FAMILIES)
  return
end

local n, name, value = tonumber(arg[2]), arg[3], arg[4]
if not (n and n >= 3 and n == math.floor(n) and name) then usage() end
if value == "" then value = nil end
local bench_map = function() return B.map(name, n, value) end
local tally = B.tally

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
