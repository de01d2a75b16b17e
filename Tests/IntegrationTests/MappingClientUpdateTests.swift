import Foundation
import Testing
import DockerMapLua

private typealias U = UpdateHarness

/// `mc:update` against the test engine, one cause of change per test (reference section 7): the container that
/// changed is made again, or changed in place, or started; the others (its dependency `db`, its dependent `web`,
/// linked by name) keep their ids and keep running.
@Suite("Mapping client: update of containers (real engine)")
struct MappingClientUpdateTests {
    // MARK: What only a new container changes

    @Test("update after nothing changed has no steps and changes nothing")
    func nothingChanged() async throws {
        let r = try await U.change("upd-none", to: "{}")
        #expect(U.strings(r["plan"]) == [])
        #expect(U.strings(r["steps"]) == [])
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("a new image under the configured tag: the container is made again (\"image changed\")")
    func imageChanged() async throws {
        let r = try await U.change("upd-img",
            from: #"{ app = { image = M .. "/img:1" } }"#, to: #"{ app = { image = M .. "/img:1" } }"#,
            setup: #"d:tag("busybox:latest", M .. "/img:1")"#,
            before: """
                local df = dmap.dockerfile{ baseimage = "busybox:latest", command = { "sleep", "301" } }
                assert(d:build_from_file(df, M .. "/img:1"))
                """,
            check: #"app().Image == d:inspect_image(M .. "/img:1").Id"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "image changed"))
        #expect(r["check"] == true, "the new container runs the new image")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("env: the container is made again, the reason names the variable (\"env MODE: prod -> dev\")")
    func envChanged() async throws {
        let r = try await U.change("upd-env",
            from: #"{ app = { create_options = { command = "sleep 300", environment = { MODE = "prod" } } } }"#,
            to: #"{ app = { create_options = { command = "sleep 300", environment = { MODE = "dev" } } } }"#,
            check: #"table.concat(app().Config.Env, " "):find("MODE=dev", 1, true) ~= nil"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "env MODE: prod -> dev"))
        #expect(r["steps"] == ["stop container M.app", "remove container M.app", "create container M.app", "start container M.app"])
        #expect(r["check"] == true)
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("command: the container is made again (\"command sleep 300 -> sleep 301\")")
    func commandChanged() async throws {
        let r = try await U.change("upd-cmd", to: #"{ app = { create_options = { command = "sleep 301" } } }"#,
                                   check: #"table.concat(app().Config.Cmd, " ")"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "command sleep 300 -> sleep 301"))
        #expect(r["check"] == "sleep 301")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("entrypoint: the container is made again")
    func entrypointChanged() async throws {
        let r = try await U.change("upd-entry",
            to: #"{ app = { create_options = { command = "sleep 300", entrypoint = { "env" } } } }"#,
            check: #"table.concat(app().Config.Entrypoint, " ")"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "entrypoint (image default) -> env"))
        #expect(r["check"] == "env")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("user: the container is made again (\"user 1000 -> 1001\")")
    func userChanged() async throws {
        let r = try await U.change("upd-user", from: #"{ app = { user = "1000" } }"#, to: #"{ app = { user = "1001" } }"#,
                                   check: "app().Config.User")
        #expect(U.strings(r["plan"]) == U.recreate("app", "user 1000 -> 1001"))
        #expect(r["check"] == "1001")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("an exposed port more: the container is made again")
    func exposedPortAdded() async throws {
        let r = try await U.change("upd-expose", from: "{ app = { exposes = { 8080 } } }",
                                   to: "{ app = { exposes = { 8080, 9090 } } }",
                                   check: #"app().Config.ExposedPorts["9090/tcp"] ~= nil"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "exposed ports 9090/tcp added"))
        #expect(r["check"] == true)
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("a port published on the host: the container is made again")
    func publishedPortAdded() async throws {
        let port = Int.random(in: 20000...40000)
        let r = try await U.change("upd-publish", from: "{ app = { exposes = { 8080 } } }",
                                   to: "{ app = { exposes = { { 8080, \(port) } } } }",
                                   check: #"app().HostConfig.PortBindings["8080/tcp"][1].HostPort"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "published ports 8080/tcp added"))
        #expect(r["check"] == .string(String(port)))
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("links: another alias for the linked db makes the container again (\"links + M.db:database - M.db:db\")")
    func linksChanged() async throws {
        let r = try await U.change("upd-links", to: #"{ app = { links = { { "db", "database" } } } }"#,
                                   check: #"short(table.concat(app().HostConfig.Links, " "))"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "links + M.db:database - M.db:db"))
        #expect(r["check"] == "/M.db:/M.app/database")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("binds: another host path makes the container again")
    func bindsChanged() async throws {
        let r = try await U.change("upd-binds", from: #"{ app = { binds = { { "/data", "/tmp", "ro" } } } }"#,
                                   to: #"{ app = { binds = { { "/data", "/etc", "ro" } } } }"#,
                                   check: #"(sh(d, M .. ".app", "test -f /data/passwd"))"#)
        #expect(U.strings(r["plan"]) == U.recreate("app", "binds + /etc:/data:ro - /tmp:/data:ro"))
        #expect(r["check"] == 0, "the new host path is mounted")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("labels: the container is made again (\"label tier a -> b\")")
    func labelsChanged() async throws {
        let r = try await U.change("upd-labels",
            from: #"{ app = { create_options = { command = "sleep 300", labels = { tier = "a" } } } }"#,
            to: #"{ app = { create_options = { command = "sleep 300", labels = { tier = "b" } } } }"#,
            check: "app().Config.Labels.tier")
        #expect(U.strings(r["plan"]) == U.recreate("app", "label tier a -> b"))
        #expect(r["check"] == "b")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("network mode: none instead of the default makes the container again")
    func networkModeChanged() async throws {
        let solo = #"image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" }"#
        let r = try await U.change("upd-netmode", from: "{ solo = { \(solo) } }",
            to: #"{ solo = { \#(solo), network_mode = "none" } }"#, target: "solo",
            check: "d:inspect_container(M .. '.solo').HostConfig.NetworkMode", names: #"{ "solo" }"#)
        #expect(r["check"] == "none")
        #expect(U.strings(r["plan"]) == U.recreate("solo", "network mode unset -> none; network disabled unset -> true"))
        expectUpdate(r, recreated: "solo", restarted: "solo", states: "solo=running")
    }

    @Test("network_mode of another container: when that one is made again, so is the one sharing its network")
    func networkModeOfARecreatedContainer() async throws {
        let side = #"{ side = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" }, network_mode = "db" } }"#
        let r = try await U.change("upd-netshare", from: side, to: side, target: "side", options: #"{ force_update = "db" }"#,
            againOptions: "{}", names: #"{ "db", "side" }"#)
        #expect(U.strings(r["plan"])
            == U.recreate("db", "force_update") + U.recreate("side", "network mode: container M.db made again"))
        expectUpdate(r, recreated: "db side", restarted: "db side", states: "db=running side=running")
    }

    // MARK: Limits and the restart policy

    @Test("mem_limit 64m -> 128m: changed in place, same container, same start, HostConfig.Memory 128m")
    func memoryLimitInPlace() async throws {
        let r = try await U.change("upd-mem", from: #"{ app = { host_config = { mem_limit = "64m" } } }"#,
                                   to: #"{ app = { host_config = { mem_limit = "128m" } } }"#,
                                   check: "app().HostConfig.Memory")
        #expect(r["plan"] == ["update container M.app: memory 64m -> 128m (in place); memory swap 128m -> 256m (in place)"])
        #expect(r["steps"] == ["update container M.app"])
        #expect(r["check"] == 134_217_728)
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("a memory limit the map no longer sets: the container is made again, without the limit")
    func memoryLimitRemoved() async throws {
        let r = try await U.change("upd-memreset", from: #"{ app = { host_config = { mem_limit = "64m" } } }"#,
                                   to: "{}", check: "app().HostConfig.Memory")
        #expect(U.strings(r["plan"]) == U.recreate(
            "app", "memory 64m set, no longer configured; memory swap 128m set, no longer configured"))
        #expect(r["check"] == 0)
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("a memory limit the map no longer sets, with skip_limit_reset: nothing happens, the limit stays")
    func memoryLimitRemovedSkipped() async throws {
        let r = try await U.change("upd-memskip", from: #"{ app = { host_config = { mem_limit = "64m" } } }"#,
                                   to: "{}", options: "{ skip_limit_reset = true }", check: "app().HostConfig.Memory")
        #expect(U.strings(r["plan"]) == [])
        #expect(U.strings(r["steps"]) == [])
        #expect(r["check"] == 67_108_864)
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("restart policy: changed in place (\"restart policy no -> unless-stopped (in place)\")")
    func restartPolicyInPlace() async throws {
        let r = try await U.change("upd-restart", to: #"{ app = { host_config = { restart_policy = "unless-stopped" } } }"#,
                                   check: "app().HostConfig.RestartPolicy.Name")
        #expect(r["plan"] == ["update container M.app: restart policy no -> unless-stopped (in place)"])
        #expect(r["check"] == "unless-stopped")
        expectUpdate(r, recreated: "", restarted: "")
    }

    // MARK: State

    @Test("a stopped container is only started again (same id)")
    func stoppedIsStarted() async throws {
        let r = try await U.change("upd-stopped", to: "{}", before: #"d:stop(M .. ".app")"#)
        #expect(r["plan"] == ["start container M.app: stopped"])
        #expect(r["steps"] == ["start container M.app"])
        expectUpdate(r, recreated: "", restarted: "app")
    }

    @Test("a container that exited with a code in nonrecoverable_exit_codes is made again")
    func nonRecoverableExitCode() async throws {
        let r = try await U.change("upd-exit", to: "{}", options: "{ nonrecoverable_exit_codes = { 137 } }",
                                   before: #"d:kill(M .. ".app")"#)
        #expect(U.strings(r["plan"]) == ["remove", "create", "start"].map {
            "\($0) container M.app: exited with code 137 (non-recoverable)"
        })
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("a job with wait = \"exited\" that exited 0 is left alone")
    func finishedJobIsLeftAlone() async throws {
        let r = try await U.change("upd-job",
            from: #"{ job = { image = "busybox:latest", shares = "/shared", wait = "exited", create_options = { command = "true" } }, app = { uses = "job" } }"#,
            to: #"{ job = { image = "busybox:latest", shares = "/shared", wait = "exited", create_options = { command = "true" } }, app = { uses = "job" } }"#,
            names: #"{ "job", "db", "app", "web" }"#)
        #expect(U.strings(r["plan"]) == [])
        expectUpdate(r, recreated: "", restarted: "", states: "job=exited db=running app=running web=running")
    }

    static let exec = #"{ app = { exec_commands = { "sleep 1000", { cmd = "sh -c 'echo x >> /tmp/initial'", policy = "initial" } } } }"#

    /// Kills the exec command `sleep 1000` of app (once it runs).
    static let killSleep = #"""
        assert(sh(d, M .. ".app", "for i in $(seq 100); do ps | grep -q '[s]leep 1000' && break; sleep 0.1; done; "
          .. "set -- $(ps | grep '[s]leep 1000'); kill $1") == 0)
        """#

    @Test("an exec command that no longer runs is run again; the initial one is not")
    func missingExecCommand() async throws {
        let r = try await U.change("upd-exec", from: Self.exec, to: Self.exec, before: Self.killSleep,
            check: #"{ (sh(d, M .. ".app", "for i in $(seq 100); do ps | grep -q '[s]leep 1000' && exit 0; sleep 0.1; done; exit 1")), select(2, sh(d, M .. ".app", "cat /tmp/initial")) }"#)
        #expect(r["plan"] == ["exec container M.app: not running: sleep 1000"])
        #expect(r["check"] == [0, "x\n"], "sleep 1000 runs again; the initial command ran once")
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("check_exec_commands = \"none\": an exec command that no longer runs is not looked for")
    func execCommandsNotChecked() async throws {
        let r = try await U.change("upd-noexec", from: Self.exec, to: Self.exec, options: #"{ check_exec_commands = "none" }"#,
            before: Self.killSleep, check: #"(sh(d, M .. ".app", "ps | grep -q '[s]leep 1000'"))"#)
        #expect(U.strings(r["plan"]) == [])
        #expect(r["check"] == 1, "sleep 1000 is still not running")
        expectUpdate(r, recreated: "", restarted: "")
    }

    // MARK: Options

    @Test("force_update names a container: it is made again, nothing else is")
    func forceUpdateOne() async throws {
        let r = try await U.change("upd-force", to: "{}", options: #"{ force_update = "app" }"#, againOptions: "{}")
        #expect(U.strings(r["plan"]) == U.recreate("app", "force_update"))
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("force_update lists containers: those are made again, the others are not")
    func forceUpdateList() async throws {
        let r = try await U.change("upd-forcelist", to: "{}", options: #"{ force_update = { "db", "web" } }"#,
                                   againOptions: "{}")
        #expect(U.strings(r["plan"]) == U.recreate("db", "force_update") + U.recreate("web", "force_update"))
        expectUpdate(r, recreated: "db web", restarted: "db web")
    }

    @Test("force_update = true: every container on the path is made again")
    func forceUpdateAll() async throws {
        let r = try await U.change("upd-forceall", to: "{}", options: "{ force_update = true }", againOptions: "{}")
        #expect(U.strings(r["plan"])
            == U.recreate("db", "force_update") + U.recreate("app", "force_update") + U.recreate("web", "force_update"))
        expectUpdate(r, recreated: "db app web", restarted: "db app web")
    }

    @Test("a persistent container with another env is kept, unless update_persistent or force_update names it")
    func updatePersistent() async throws {
        let from = #"{ app = { persistent = true, create_options = { command = "sleep 300", environment = { MODE = "prod" } } } }"#
        let to = #"{ app = { persistent = true, create_options = { command = "sleep 300", environment = { MODE = "dev" } } } }"#
        let kept = try await U.change("upd-persist", from: from, to: to)
        #expect(U.strings(kept["plan"]) == [])
        expectUpdate(kept, recreated: "", restarted: "")
        let made = try await U.change("upd-persist2", from: from, to: to, options: "{ update_persistent = true }")
        #expect(U.strings(made["plan"]) == U.recreate("app", "env MODE: prod -> dev"))
        expectUpdate(made, recreated: "app", restarted: "app")
        let forced = try await U.change("upd-persist3", from: from, to: to, options: #"{ force_update = "app" }"#,
                                        againOptions: "{}")
        #expect(U.strings(forced["plan"]) == U.recreate("app", "force_update"))
        expectUpdate(forced, recreated: "app", restarted: "app")
    }
}
