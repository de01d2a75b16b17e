-- dockerfile.lua: compose a Dockerfile in Lua, build it, run it, clean up.
--
--   dmap-lua examples/dockerfile.lua
--
-- Needs busybox:latest on the engine (-H, else $DOCKER_HOST, else /var/run/docker.sock); nothing is
-- pulled. `dmap-lua examples/quickstart.lua BUSYBOX_TAR` imports one. The image gets this directory's
-- quickstart.lua as /app/quickstart.lua; a container from it prints a few things about that file.
-- The container and the image are removed at the end, whatever happens.

local IMAGE = "dmap-dockerfile-example:latest"
local CONTAINER = "dmap-dockerfile-example"
-- The directory of this script, so that it runs from anywhere.
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."

local docker = dmap.client()

-- 1. The Dockerfile. The constructor writes FROM at once; command, cmd_workdir and labels are
--    "delayed" properties, written at the end by finalize() in Docker-Map's order, so they may be
--    set (or changed: df.command = ...) at any time before that.
local df = dmap.dockerfile{
  baseimage = "busybox:latest",
  cmd_workdir = "/app",                                   -- WORKDIR /app, just before CMD
  command = { "sh", "-c", "head -n 1 quickstart.lua; cat lines" }, -- a list: exec form, CMD ["sh", ...]
  labels = { example = "dockerfile.lua" },
}
df:comment("composed by examples/dockerfile.lua")
-- ADD quickstart.lua /app/quickstart.lua: the file on disk, its target in the image, and its name
-- in the build context. add_file only records the file; it is read when the context is made.
df:add_file(here .. "/quickstart.lua", "/app/quickstart.lua", "quickstart.lua")
-- One RUN line with its commands joined by " && ".
df:run_join("chmod 0444 /app/quickstart.lua", "echo \"$(wc -l < /app/quickstart.lua) lines\" > /app/lines")
df:finalize() -- build_from_file would do it; done here to show the text
io.write(df:getvalue(), "\n")

-- A container left over by an interrupted run would make the create below fail with "conflict".
local ok, err = pcall(docker.remove_container, docker, CONTAINER, { force = true })
if not ok and err.kind ~= "not_found" then error(err) end

-- 2. Build, run, show. In a function, so that the clean-up below runs whatever happens inside.
local function run()
  -- The build output would go to docker.push_log (standard error); keep it for a failure instead.
  local output = {}
  docker.push_log = function(self, message) output[#output + 1] = message end
  -- build_from_file sends a gzip context holding the Dockerfile and every file it ADDs. It takes
  -- build's options (forcerm: no intermediate container is left even when a step fails) and, like
  -- build, returns nil, err for a failed build (a missing file too, before anything is sent).
  local id, build_err = docker:build_from_file(df, IMAGE, { forcerm = true })
  docker.push_log = nil -- back to the default hook
  if not id then
    io.stderr:write(table.concat(output, "\n"), "\n")
    error(build_err)
  end
  print("built " .. id)

  local created = docker:create_container{ name = CONTAINER, Image = IMAGE }
  docker:start(created.Id)
  local exit_code = docker:wait(created.Id, { timeout = 60 })
  io.write(("container %s exited with code %d:\n"):format(CONTAINER, exit_code), docker:logs(created.Id).stdout)
end

local run_ok, run_err = pcall(run)

-- 3. Clean up: the container, then the image ("not_found" means there was nothing to remove).
for _, step in ipairs{ { "remove_container", CONTAINER, { force = true } }, { "remove_image", IMAGE } } do
  local removed, remove_err = pcall(docker[step[1]], docker, step[2], step[3])
  if not removed and remove_err.kind ~= "not_found" then
    io.stderr:write(("clean-up: %s %s failed: %s\n"):format(step[1], step[2], tostring(remove_err)))
  end
end

if not run_ok then error(run_err, 0) end
