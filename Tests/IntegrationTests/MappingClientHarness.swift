import Foundation
import Testing
import DockerMapLua

/// How the mapping-client tests run their Lua: each test owns one map (a unique name, `M` in Lua), and whatever the
/// map leaves on the engines (containers, networks, volumes, tags) is removed after the script, whether it passed or
/// failed.
enum MappingClientHarness {
    /// A unique map name; the map's Docker objects are `<name>.…`.
    static func mapName(_ prefix: String) -> String { TestEnv.unique("mc-\(prefix)") }

    /// Lua available to every test script.
    ///
    /// * `M`: the map's name; `HOST` (and `HOST2`): the engines; `d` (and `d2`): clients of them (`d` is the default
    ///   client of the runtime, so of a mapping client made without one).
    /// * `short(s)`: `s` with the map's name written `M`, so that expectations read `start container M.app.a`.
    /// * `lines(steps[, withClient])`: steps as `action kind name` (after `client: ` when asked).
    /// * `fields(step)`: a step's fields, its `result` as its Lua type.
    /// * `status(docker, name)`: the container's state (`running`, `created`, `exited`, …) or `absent`.
    /// * `sh(docker, container, cmd)`: runs `sh -c cmd` in the container; returns its exit code and output.
    /// * `probe(docker, cmd, binds)`: runs `sh -c cmd` in a one-off busybox container; returns its output.
    /// * `counts(docker)`: how many containers, networks and volumes the engine holds.
    /// * `clean(docker)`: removes the map's containers (with their anonymous volumes), networks, volumes, image tags and
    ///   image references by digest.
    static func prelude(map: String, host: String, host2: String?) -> String {
        """
        M = "\(map)"
        HOST = "\(host)"
        HOST2 = \(host2.map { "\"\($0)\"" } ?? "nil")
        d = dmap.client()
        d2 = HOST2 and dmap.client{ base_url = HOST2 } or nil

        function short(s)
          if type(s) ~= "string" then return s end
          local out, i = {}, 1
          while true do
            local a, b = s:find(M, i, true)
            if not a then out[#out + 1] = s:sub(i) break end
            out[#out + 1] = s:sub(i, a - 1) .. "M"
            i = b + 1
          end
          return table.concat(out)
        end

        function lines(steps, withClient)
          local out = {}
          for i, s in ipairs(steps) do
            out[i] = (withClient and (s.client .. ": ") or "") .. s.action .. " " .. s.kind .. " " .. short(s.name)
          end
          return out
        end

        function fields(s)
          return { client = s.client, map = short(s.map), config = s.config, instance = s.instance, kind = s.kind,
                   name = short(s.name), action = s.action, reason = s.reason, result = type(s.result) }
        end

        function status(docker, name)
          local ok, c = pcall(docker.inspect_container, docker, name)
          return ok and c.State.Status or "absent"
        end

        function sh(docker, container, cmd)
          local id = docker:exec_create(container, { Cmd = { "sh", "-c", cmd }, AttachStdout = true, AttachStderr = true })
          local out = docker:exec_start(id)
          return out.exit_code, out.stdout .. out.stderr
        end

        function probe(docker, cmd, binds)
          local name = M .. ".probe"
          docker:create_container{ name = name, Image = "busybox:latest", Cmd = { "sh", "-c", cmd },
                                   HostConfig = { Binds = binds } }
          docker:start(name)
          docker:wait(name)
          local out = docker:logs(name).stdout
          docker:remove_container(name)
          return out
        end

        function counts(docker)
          return { containers = #docker:containers{ all = true }, networks = #docker:networks(),
                   volumes = #(docker:volumes().Volumes or {}) }
        end

        local function mine(name) return name:sub(1, #M + 1) == M .. "." end

        function clean(docker)
          for _, c in ipairs(docker:containers{ all = true }) do
            for _, n in ipairs(c.Names or {}) do
              if mine(n:sub(2)) then pcall(docker.remove_container, docker, c.Id, { force = true, v = true }) break end
            end
          end
          for _, n in ipairs(docker:networks()) do
            if mine(n.Name) then pcall(docker.remove_network, docker, n.Id) end
          end
          for _, v in ipairs(docker:volumes().Volumes or {}) do
            if mine(v.Name) then pcall(docker.remove_volume, docker, v.Name) end
          end
          for _, image in ipairs(docker:images()) do
            for _, tag in ipairs(image.RepoTags or {}) do
              if tag:find(M, 1, true) then pcall(docker.remove_image, docker, tag) end
            end
          end
          -- What a push or a pull left: references by digest (repo@sha256:…).
          for _, image in ipairs(docker:images()) do
            for _, ref in ipairs(image.RepoDigests or {}) do
              if ref:find(M, 1, true) then pcall(docker.remove_image, docker, ref) end
            end
          end
        end

        """
    }

    /// Runs `body` for map `map` on the test engine (and the second one with `twoHosts`), then cleans both engines
    /// of the map's objects; an error of the body is raised again after the clean-up.
    @discardableResult
    static func run(_ map: String, twoHosts: Bool = false, _ body: String) async throws -> Reports {
        let host = try TestEnv.host
        let host2 = twoHosts ? try TestEnv.require("DMAP_TEST_HOST2") : nil
        let code = prelude(map: map, host: host, host2: host2) + """
            local ok, err = pcall(function()
            \(body)
            end)
            clean(d)
            if d2 then clean(d2) end
            if not ok then error(err, 0) end
            """
        return try await runLua(code, host: host)
    }
}

extension Reports {
    /// The field `key` of the table the script reported last (`report{ key = … }`).
    subscript(key: String) -> Value? { last.first?[key] }
}
