-- What map-startup.lua and map-update.lua share: the bench landscape as a map, and finding and removing what a
-- bench left on the engine. Loaded with dofile; returns a table.
--
-- The landscape, N containers on one network "net": "db" with a named volume on /data, apps app1 .. app(N-2)
-- linked to db, and "front" linked to every app; all busybox:latest running `sleep 3600`, stop signal SIGKILL.
local B = {}
B.IMAGE, B.COMMAND = "busybox:latest", "sleep 3600"

-- The apps of a landscape of n containers: app1 .. app(n-2).
function B.apps(n)
  local apps = {}
  for i = 1, n - 2 do apps[i] = "app" .. i end
  return apps
end

-- The app whose environment map-update changes: the one in the middle.
function B.middle(n) return "app" .. ((n - 1) // 2) end

-- The map NAME of n containers; with value, the app in the middle has the environment BENCH_VALUE=value.
function B.map(name, n, value)
  local apps = B.apps(n)
  local function container(extra)
    local c = { image = B.IMAGE, networks = "net", stop_signal = "SIGKILL", create_options = { command = B.COMMAND } }
    for k, v in pairs(extra) do c[k] = v end
    return c
  end
  local t = { volumes = { data = "/data" }, networks = { net = {} }, db = container { attaches = "data" },
              front = container { links = apps } }
  for _, app in ipairs(apps) do t[app] = container { links = { "db" } } end
  if value then
    t[B.middle(n)].create_options = { command = B.COMMAND, environment = { BENCH_VALUE = value } }
  end
  return dmap.map(name, t)
end

-- Whether a container, network or volume name is a bench's: of NAME (prefix), or of any name of the families
-- ("mbdmap", …: a family followed by a round number).
function B.ours(name, prefix, families)
  if prefix then
    local sep = name:sub(#prefix + 1, #prefix + 1)
    return name:sub(1, #prefix) == prefix and (sep == "." or sep == "-" or sep == "_")
  end
  for _, p in ipairs(families) do
    if name:match("^" .. p .. "%d*[%.%-_]") then return true end
  end
  return false
end

-- A container's own name from a listing entry (links add names such as /web/db).
function B.container_name(c)
  for _, name in ipairs(c.Names or {}) do
    local plain = name:gsub("^/", "")
    if not plain:find("/", 1, true) then return plain end
  end
  return ""
end

-- Removes the containers, networks and volumes of the families; prints the networks that the engine refuses to
-- remove although no container is on them ("has active endpoints" from a leaked endpoint count,
-- moby/moby#42119): only an engine restart frees them.
function B.cleanup(docker, families)
  for _, c in ipairs(docker:containers { all = true }) do
    if B.ours(B.container_name(c), nil, families) then docker:remove_container(c.Id, { force = true }) end
  end
  for _, net in ipairs(docker:networks()) do
    if B.ours(net.Name, nil, families) then
      local ok, err = pcall(docker.remove_network, docker, net.Id)
      if not ok then
        local on = docker:inspect_network(net.Id).Containers
        if not tostring(err):find("active endpoints", 1, true) or (on and next(on)) then error(err, 0) end
        print(net.Name)
      end
    end
  end
  for _, v in ipairs(docker:volumes().Volumes or {}) do
    if B.ours(v.Name, nil, families) then docker:remove_volume(v.Name) end
  end
end

-- "50 create container, 50 start container", in the order the kinds first appear.
function B.tally(steps)
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

return B
