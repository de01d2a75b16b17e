import Foundation
import Testing
import DockerMapLua

/// Every plain engine call of `dmap.client`, from Lua, against the real engine.
@Suite("Engine calls from Lua (real engine)")
struct EngineCallTests {
    @Test("version, info, ping and the api escape hatch")
    func system() async throws {
        let r = try await runLua("""
            local d = dmap.client()
            local v = d:version()
            assert(type(v.Version) == "string" and v.ApiVersion, "version")
            local info = d:info()
            assert(type(info.Containers) == "number", "info")
            assert(d:ping() == true, "ping")
            assert(d:api("GET", "/_ping", {versioned = false}) == "OK", "raw text reply")
            local images = d:api("GET", "/images/json", {query = {filters = {reference = {"busybox:latest"}}}})
            assert(#images == 1 and images[1].RepoTags[1] == "busybox:latest", "json reply with JSON-encoded filter")
            report(v.ApiVersion, info.ServerVersion == v.Version)
            """)
        #expect(r.last[1] == true)
    }

    @Test("container lifecycle: create, start, wait, logs, restart, stop, kill, remove")
    func containerLifecycle() async throws {
        let name = TestEnv.unique("life")
        let r = try await runLua("""
            local d = dmap.client()
            local name = "\(name)"
            local created = d:create_container{name = name, Image = "busybox:latest",
              Cmd = {"sh", "-c", "echo to-out; echo to-err >&2; exit 7"}, Labels = {purpose = "test"}}
            assert(type(created.Id) == "string" and #created.Id == 64, "create returns the id")
            local ok, err = pcall(d.create_container, d, {name = name, Image = "busybox:latest"})
            assert(not ok and err.kind == "conflict" and err.status == 409, "duplicate name is a conflict")
            assert(d:start(name) == true)
            assert(d:wait(name) == 7, "wait returns the exit code")
            local logs = d:logs(name)
            assert(logs.stdout == "to-out\\n" and logs.stderr == "to-err\\n", "logs demultiplexed: " .. logs.stdout .. "|" .. logs.stderr)
            local inspected = d:inspect_container(name)
            assert(inspected.State.ExitCode == 7 and inspected.Config.Labels.purpose == "test")
            local listed = d:containers{all = true, filters = {name = {name}}}
            assert(#listed == 1 and listed[1].Id == created.Id, "containers{all=} with filters")
            assert(#d:containers{filters = {name = {name}}} == 0, "a stopped container is not listed without all")
            assert(d:remove_container(name) == true)
            ok, err = pcall(d.inspect_container, d, name)
            assert(not ok and err.kind == "not_found" and err.object == name, "gone")

            -- A long-running one: restart, stop, kill.
            d:create_container{name = name, Image = "busybox:latest", Cmd = {"sleep", "300"}, StopSignal = "SIGKILL"}
            d:start(name)
            assert(d:start(name) == true, "starting a running container is not an error")
            assert(d:inspect_container(name).State.Running)
            assert(d:restart(name, {t = 1}) == true)
            assert(d:inspect_container(name).State.Running)
            assert(d:stop(name, {t = 1}) == true)
            assert(not d:inspect_container(name).State.Running)
            d:start(name)
            assert(d:kill(name, {signal = "SIGKILL"}) == true)
            assert(d:wait(name) == 137)
            d:remove_container(name, {force = true, v = true})
            report(true)
            """)
        #expect(r.last == [true])
    }

    @Test("logs of a TTY container are raw; tail and timestamps pass through")
    func ttyLogs() async throws {
        let name = TestEnv.unique("tty")
        try await runLua("""
            local d = dmap.client()
            d:create_container{name = "\(name)", Image = "busybox:latest", Tty = true, Cmd = {"sh", "-c", "echo one; echo two"}}
            d:start("\(name)")
            d:wait("\(name)")
            local logs = d:logs("\(name)", {tail = 1})
            d:remove_container("\(name)", {force = true})
            assert(logs.stdout == "two\\r\\n", string.format("%q", logs.stdout))
            assert(logs.stderr == "")
            """)
    }

    @Test("exec: output and exit code")
    func exec() async throws {
        let name = TestEnv.unique("exec")
        let r = try await runLua("""
            local d = dmap.client()
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"sleep", "300"}, StopSignal = "SIGKILL"}
            d:start("\(name)")
            local id = d:exec_create("\(name)", {Cmd = {"sh", "-c", "echo $GREETING; id -u; echo problem >&2; exit 4"},
                                                 Env = {"GREETING=hi"}, User = "1234"})
            assert(type(id) == "string")
            local r = d:exec_start(id)
            d:remove_container("\(name)", {force = true})
            report(r.stdout, r.stderr, r.exit_code)
            """)
        #expect(r.last == ["hi\n1234\n", "problem\n", 4])
    }

    @Test("images: list, inspect, tag, remove")
    func images() async throws {
        let repo = TestEnv.unique("img")
        try await runLua("""
            local d = dmap.client()
            local base = d:inspect_image("busybox:latest")
            assert(d:tag("busybox:latest", "\(repo):one") == true)
            assert(d:tag("busybox:latest", "\(repo)", "two") == true)
            assert(d:tag("busybox:latest", {repo = "\(repo)", tag = "three"}) == true)
            local tagged = d:images{filters = {reference = {"\(repo)"}}}
            assert(#tagged == 1 and #tagged[1].RepoTags == 3, "one image with three tags")
            assert(d:inspect_image("\(repo):two").Id == base.Id)
            for _, t in ipairs{"one", "two", "three"} do
              local removed = d:remove_image("\(repo):" .. t)
              assert(removed[1].Untagged == "\(repo):" .. t)
            end
            local ok, err = pcall(d.inspect_image, d, "\(repo):one")
            assert(not ok and err.kind == "not_found")
            ok, err = pcall(d.remove_image, d, "\(repo):nothing")
            assert(not ok and err.kind == "not_found" and err.status == 404)
            """)
    }

    @Test("networks: create, inspect, connect, disconnect, remove")
    func networks() async throws {
        let net = TestEnv.unique("net")
        let name = TestEnv.unique("netc")
        try await runLua("""
            local d = dmap.client()
            local n = d:create_network{Name = "\(net)", Driver = "bridge", Labels = {t = "1"}}
            assert(type(n.Id) == "string")
            local ok, err = pcall(d.create_network, d, {Name = "\(net)"})
            assert(not ok and err.kind == "conflict", "duplicate network: " .. tostring(err))
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"sleep", "300"}, StopSignal = "SIGKILL"}
            d:start("\(name)")
            assert(d:connect_container_to_network("\(name)", "\(net)", {Aliases = {"svc"}}) == true)
            local inspected = d:inspect_network("\(net)")
            local found = false
            for id in pairs(inspected.Containers) do found = true end
            assert(found, "container attached")
            local networks = d:inspect_container("\(name)").NetworkSettings.Networks
            assert(networks["\(net)"] and networks["\(net)"].Aliases[1] == "svc")
            assert(d:disconnect_container_from_network("\(name)", "\(net)") == true)
            d:remove_container("\(name)", {force = true})
            local listed = d:networks{filters = {name = {"\(net)"}}}
            assert(#listed == 1)
            assert(d:remove_network("\(net)") == true)
            ok, err = pcall(d.remove_network, d, "\(net)")
            assert(not ok and err.kind == "not_found")
            """)
    }

    @Test("volumes: create, list, inspect, remove")
    func volumes() async throws {
        let vol = TestEnv.unique("vol")
        try await runLua("""
            local d = dmap.client()
            local v = d:create_volume{Name = "\(vol)", Labels = {t = "1"}}
            assert(v.Name == "\(vol)" and v.Labels.t == "1")
            local listed = d:volumes{filters = {name = {"\(vol)"}}}
            assert(#listed.Volumes == 1)
            assert(d:inspect_volume("\(vol)").Name == "\(vol)")
            assert(d:remove_volume("\(vol)") == true)
            local ok, err = pcall(d.remove_volume, d, "\(vol)")
            assert(not ok and err.kind == "not_found")
            """)
    }

    @Test("A script goes on after an engine error, and usage errors name the argument")
    func goesOn() async throws {
        let r = try await runLua("""
            local d = dmap.client()
            local failures = 0
            for i = 1, 20 do
              local ok, err = pcall(d.inspect_container, d, "no-such-container-" .. i)
              if not ok and err.kind == "not_found" then failures = failures + 1 end
            end
            local ok, err = pcall(d.stop, d, "x", "not a table")
            assert(err.kind == "usage" and err.message == "bad argument #3 to 'stop' (table expected, got string)", err.message)
            report(failures, d:ping())
            """)
        #expect(r.last == [20, true])
    }
}
