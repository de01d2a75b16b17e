-- errors.lua: how dmap-lua reports failures, and how a script handles them.
--
--   dmap-lua examples/errors.lua
--
-- Needs an engine (-H, else $DOCKER_HOST, else /var/run/docker.sock) with busybox:latest.
-- Every failure raised by dmap is a Lua error whose value is a table:
--   err.kind     "not_found", "conflict", "connection", "timeout", "usage", "engine", "auth", ...
--   err.message  the readable part (for engine errors, the engine's own message)
--   err.status   the HTTP status of the engine's reply, when there was one
--   err.object   the container/image/network/volume concerned, when known
--   err.client   the engine it happened on
-- tostring(err) gives one line, "kind: message".

local docker = dmap.client()

-- 1. Catch an error with pcall and look at it.
local ok, err = pcall(docker.inspect_image, docker, "no-such-image:1.0")
print("1. ok:", ok, "| kind:", err.kind, "| status:", err.status, "| object:", err.object)
print("   tostring:", tostring(err))

-- 2. Go on after an error: check several images, note the missing ones, fail on anything else.
local missing = {}
for _, name in ipairs{ "busybox:latest", "no-such-image:1.0", "no-such-image:2.0" } do
  local found, e = pcall(docker.inspect_image, docker, name)
  if not found then
    if e.kind ~= "not_found" then error(e) end -- an unexpected failure: let it through
    missing[#missing + 1] = name
  end
end
print("2. missing images:", table.concat(missing, ", "))

-- 3. dmap.is_error tells dmap's errors from other Lua errors (a string here).
local _, lua_err = pcall(error, "a plain Lua error")
print("3. is_error:", dmap.is_error(err), dmap.is_error(lua_err), dmap.is_error({ kind = "not_found" }))

-- 4. A wrong argument is a "usage" error, worded like Lua's own.
local _, usage = pcall(docker.create_container, docker, "busybox:latest")
print("4.", usage.kind, "|", usage.message)

-- 5. An engine that does not answer: creating the client succeeds, the first call fails.
local nowhere = dmap.client{ base_url = "unix:///nonexistent/docker.sock", timeout = 5 }
local _, conn = pcall(nowhere.ping, nowhere)
print("5.", conn.kind, "|", conn.message)

-- 6. Engine errors keep their HTTP status: a second container with the same name is a 409 "conflict",
--    and a wait that outlasts its timeout is a "timeout". The container is removed whatever happens.
local NAME = "dmap-errors-example"
pcall(docker.remove_container, docker, NAME, { force = true }) -- left over from an interrupted run?
local function conflict_and_timeout()
  local spec = { name = NAME, Image = "busybox:latest", Cmd = { "sleep", "30" } }
  docker:create_container(spec)
  local _, dup = pcall(docker.create_container, docker, spec)
  print("6.", dup.kind, dup.status, "|", dup.message)
  docker:start(NAME)
  local _, slow = pcall(docker.wait, docker, NAME, { timeout = 1 })
  print("  ", slow.kind, "|", slow.object)
end
local done, failure = pcall(conflict_and_timeout)
pcall(docker.remove_container, docker, NAME, { force = true })
if not done then error(failure, 0) end

-- 7. A script can raise errors of the same shape with dmap.error; callers handle them alike.
local function require_label(image, label)
  local labels = docker:inspect_image(image).Config.Labels or {}
  if labels[label] == nil then
    error(dmap.error{ kind = "config", message = "label '" .. label .. "' is not set", object = image })
  end
end
local _, own = pcall(require_label, "busybox:latest", "org.example.owner")
print("7.", dmap.is_error(own), tostring(own), own.object)

-- An error nobody catches ends the script: dmap-lua prints "dmap-lua: <kind>: <message>" and a
-- traceback on stderr, and exits with status 1. Try: dmap-lua -e 'dmap.client():inspect_container("x")'
print("done")
