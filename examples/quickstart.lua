-- quickstart.lua: a first dmap-lua script.
--
--   dmap-lua examples/quickstart.lua [BUSYBOX_TAR]
--
-- Connects to the engine (-H, else $DOCKER_HOST, else /var/run/docker.sock), makes sure a tiny
-- image exists, runs one container from it, prints what it said, and cleans up after itself.
-- BUSYBOX_TAR is a tar of a root filesystem holding busybox; it is imported as busybox:latest
-- only if the engine has no such image (nothing is pulled from the internet).

local busybox_tar = arg[1]
local IMAGE = "dmap-quickstart:latest"
local CONTAINER = "dmap-quickstart"

local docker = dmap.client()

-- Engine calls return the engine's JSON as Lua tables, with the Engine API's field names.
local version = docker:version()
print(("engine %s, API %s"):format(version.Version, version.ApiVersion))

-- Every dmap failure is a Lua error whose value is a table: kind, message, status, object, client.
-- pcall catches it; err.kind tells what went wrong.
local function image_exists(name)
  local ok, err = pcall(docker.inspect_image, docker, name)
  if ok then return true end
  if err.kind == "not_found" then return false end
  error(err) -- anything else (connection lost, ...) is not ours to handle: raise it again
end

-- 1. A base image. No registry is needed: `docker:api` reaches any Engine API endpoint, here
--    POST /images/create?fromSrc=- which imports a root filesystem tar sent as the body.
if not image_exists("busybox:latest") then
  if not busybox_tar then
    error("busybox:latest is missing: pass a busybox root filesystem tar as the first argument")
  end
  local file = assert(io.open(busybox_tar, "rb"))
  local tar = file:read("a")
  file:close()
  print(("importing %s as busybox:latest (%d bytes)"):format(busybox_tar, #tar))
  local reply = docker:api("POST", "/images/create", {
    query = { fromSrc = "-", repo = "busybox", tag = "latest", changes = 'CMD ["sh"]' },
    body = tar,
    headers = { ["Content-Type"] = "application/x-tar" },
  })
  -- The engine reports a failed import inside a successful (200) reply.
  if type(reply) == "table" and (reply.errorDetail or reply.error) then
    error("import failed: " .. tostring(reply.error or reply.errorDetail.message))
  end
end

-- A container left over by an interrupted run would make the create below fail with "conflict".
local ok, err = pcall(docker.remove_container, docker, CONTAINER, { force = true })
if not ok and err.kind ~= "not_found" then error(err) end

-- 2. The work itself, in a function so that the clean-up below runs whatever happens inside.
local function run()
  docker:tag("busybox:latest", IMAGE)

  local created = docker:create_container{
    name = CONTAINER,
    Image = IMAGE,
    Cmd = { "sh", "-c", "echo 'Hello from a dmap-lua container!'; echo 'and this goes to stderr' >&2" },
  }
  docker:start(created.Id)

  local exit_code = docker:wait(created.Id, { timeout = 60 })
  local logs = docker:logs(created.Id) -- demultiplexed: { stdout = "...", stderr = "..." }
  print(("container %s exited with code %d"):format(CONTAINER, exit_code))
  io.write("  stdout: ", logs.stdout)
  io.write("  stderr: ", logs.stderr)
end

local run_ok, run_err = pcall(run)

-- 3. Clean up: the container (force: even if still running) and our tag (busybox:latest stays).
--    "not_found" only means there was nothing to remove.
local function cleanup(method, name, options)
  local ok, err = pcall(docker[method], docker, name, options)
  if not ok and err.kind ~= "not_found" then
    io.stderr:write(("clean-up: %s %s failed: %s\n"):format(method, name, tostring(err)))
  end
end
cleanup("remove_container", CONTAINER, { force = true })
cleanup("remove_image", IMAGE)

if not run_ok then error(run_err, 0) end -- re-raise the original error, unchanged

-- The container is gone: inspecting it now fails, and the error says why.
local gone, inspect_err = pcall(docker.inspect_container, docker, CONTAINER)
print(("inspect after removal: ok=%s kind=%s status=%s message=%q"):format(
  tostring(gone), inspect_err.kind, tostring(inspect_err.status), inspect_err.message))
