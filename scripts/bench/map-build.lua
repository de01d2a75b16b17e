-- Builds and validates maps of N containers with dmap.map and prints the time per size (run by map-build.sh).
-- Each container i attaches its own volume, binds a shared host alias, links to containers i-1 and i-2 (so the
-- dependency graph is one long chain, the deepest a map of that size can have), joins one of 10 networks, and
-- every third has two instances (linked as 'cN.a'). Arguments: sizes (default 100 1000 10000), then runs per size.
local sizes, runs = {}, 5
for _, a in ipairs(arg) do
  if a:match("^runs=") then runs = tonumber(a:sub(6)) else sizes[#sizes + 1] = tonumber(a) end
end
if #sizes == 0 then sizes = { 100, 1000, 10000 } end

local function make(n)
  local t = {
    repository = "registry.example.com/bench", default_tag = "1.0",
    volumes = { shared = "/srv/shared" }, host = { root = "/srv", shared = "shared" },
    networks = {}, containers = {},
  }
  for k = 1, 10 do t.networks["net" .. k] = { driver = "bridge" } end
  local function ref(i)
    if i % 3 == 0 then return "c" .. i .. ".a" end
    return "c" .. i
  end
  for i = 1, n do
    local c = {
      image = "app" .. (i % 7), attaches = { { "vol" .. i, "/data" } }, binds = { "shared" },
      networks = { "net" .. (i % 10 + 1) }, exposes = { 8000 + i % 1000 },
      create_options = { environment = { INDEX = tostring(i) } },
    }
    if i % 3 == 0 then c.instances = { "a", "b" } end
    local links = {}
    if i > 1 then links[#links + 1] = ref(i - 1) end
    if i > 2 then links[#links + 1] = ref(i - 2) end
    c.links = links
    t.containers["c" .. i] = c
  end
  return t
end

local results = {}
for _, n in ipairs(sizes) do
  local tbl = make(n)
  dmap.map("warmup", tbl)
  local best = math.huge
  for _ = 1, runs do
    local t0 = os.clock()
    local m = dmap.map("bench", tbl)
    local elapsed = os.clock() - t0
    if elapsed < best then best = elapsed end
    assert(#m:containers() == n)
  end
  local m = dmap.map("bench", tbl)
  local t0 = os.clock()
  local deps = m:dependencies("c" .. n)
  local depTime = os.clock() - t0
  results[#results + 1] = { n = n, ms = best * 1000, deps = #deps, dep_ms = depTime * 1000 }
end
local base
for _, r in ipairs(results) do
  base = base or r
  print(string.format("map of %6d containers: %8.1f ms to build and validate (%.1f us per container, %.2fx the time per container of %d); dependencies of the last: %d names in %.1f ms",
    r.n, r.ms, r.ms * 1000 / r.n, (r.ms / r.n) / (base.ms / base.n), base.n, r.deps, r.dep_ms))
end
