-- build-and-push.lua: build an image from a directory, log in to its registry, push it.
--
--   DMAP_REGISTRY_USER=me DMAP_REGISTRY_PASSWORD=secret \
--     dmap-lua examples/build-and-push.lua DIR REGISTRY/REPOSITORY:TAG
--
-- DIR holds a Dockerfile (and, if it wants, a .dockerignore). The image is tagged TAG and latest, and both
-- tags are pushed. Without DMAP_REGISTRY_USER no login is made: the credentials then come from the
-- docker CLI's configuration ($DOCKER_CONFIG/config.json, else ~/.docker/config.json), if it has any.
-- Exit status: 0 when everything worked, 1 when the build, the login or a push failed, 2 for bad arguments.

local dir, tag = arg[1], arg[2]
if not dir or not tag then
  io.stderr:write("usage: dmap-lua build-and-push.lua DIR [REGISTRY/]REPOSITORY[:TAG]\n")
  os.exit(2)
end
if not tag:find(":[^:/]+$") then tag = tag .. ":latest" end -- a ":" followed by a "/" is a port, not a tag

-- The registry is the first part of the name when it looks like a host ("registry.example.com",
-- "127.0.0.1:5000", "localhost"); anything else ("team/app", "app") is on Docker Hub (registry = nil).
local repository = tag:match("^(.*):[^:/]+$")
local first = repository:match("^([^/]+)/")
local registry = first and (first:find("[.:]") or first == "localhost") and first or nil

local docker = dmap.client()

-- 1. Build. Each line of the build output goes to docker:push_log (standard error by default).
--    build, login, pull and push do not raise when the operation fails: they return nil (or false)
--    and an error table, so the script decides what a failure means. (raise_on_error = true raises.)
local id, err = docker:build{ tag = tag, path = dir, add_latest_tag = true }
if not id then
  -- err.kind: "build" (a Dockerfile step failed), "config" (a bad .dockerignore, a Dockerfile outside
  -- DIR), "connection", "timeout", ...; err.message is the engine's own message.
  io.stderr:write(("build of %s failed: %s\n"):format(tag, tostring(err)))
  os.exit(1)
end
print("built " .. id)

-- 2. Log in if we were given credentials. A successful login is remembered by this client and used
--    for its later pulls and pushes to that registry, before any other source of credentials.
local user = os.getenv("DMAP_REGISTRY_USER")
if user then
  local ok, login_err = docker:login{ username = user, password = os.getenv("DMAP_REGISTRY_PASSWORD"),
                                      registry = registry }
  if not ok then
    io.stderr:write(tostring(login_err) .. "\n") -- "auth: login to REGISTRY failed: ..."
    os.exit(1)
  end
end

-- 3. Push both tags. Status lines go to docker:push_log, per-layer progress to docker:push_progress
--    (live bars when standard error is a terminal).
local refs = { tag }
if not tag:find(":latest$") then refs[2] = repository .. ":latest" end
for _, ref in ipairs(refs) do
  local ok, push_err = docker:push(ref)
  if not ok then
    -- "auth" means the registry refused: wrong or missing credentials, or no right to push there.
    local hint = push_err.kind == "auth" and " (set DMAP_REGISTRY_USER and DMAP_REGISTRY_PASSWORD?)" or ""
    io.stderr:write(("push of %s failed: %s%s\n"):format(ref, tostring(push_err), hint))
    os.exit(1)
  end
  print("pushed " .. ref)
end
