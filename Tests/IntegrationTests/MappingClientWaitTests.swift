import Foundation
import Testing
import DockerMapLua

private typealias H = MappingClientHarness
private typealias U = UpdateHarness

/// `wait = "healthy"` against the test engine: a container's dependents start only once its health check passes, and
/// a check that never passes stops the action with the container's last health check output.
@Suite("Mapping client: waits for health (real engine)")
struct MappingClientWaitTests {
    /// `db` becomes healthy about 2 s after it starts (`healthy = true`), or never; `app` links to it and writes the
    /// kernel's uptime to /tmp/start when it starts. `dbEnv` and `appEnv` are the value of `MODE` in each.
    static let map = #"""
        -- The check: "check", then whether /tmp/ok is there; the first time it is, the kernel's uptime goes to /tmp/first.
        FIRST_PASS = "echo check; test -f /tmp/ok && { test -f /tmp/first || cut -d' ' -f1 /proc/uptime > /tmp/first; }"
        function def(healthy, dbEnv, appEnv, timeout)
          local cmd = healthy and "sleep 2; touch /tmp/ok; sleep 300" or "sleep 300"
          return dmap.map(M, {
            db = { image = "busybox:latest", stop_signal = "SIGKILL",
                   create_options = { command = { "sh", "-c", cmd }, environment = { MODE = dbEnv or "a" } },
                   healthcheck = { test = { "CMD-SHELL", FIRST_PASS }, interval = "500ms",
                                   timeout = "5s", retries = 100 },
                   wait = { "healthy", timeout = timeout or 30 } },
            app = { image = "busybox:latest", links = { "db" }, stop_signal = "SIGKILL",
                    create_options = { command = { "sh", "-c", "cut -d' ' -f1 /proc/uptime > /tmp/start; sleep 300" },
                                       environment = { MODE = appEnv or "a" } } },
          })
        end
        -- Whether db had passed a health check when app started: the kernel's uptime (the same in both
        -- containers) when db's check first passed, and when app's command started.
        function healthyBeforeApp()
          local _, passed = sh(d, M .. ".db", "cat /tmp/first")
          local _, started = sh(d, M .. ".app", "cat /tmp/start")
          return tonumber(passed) ~= nil and tonumber(started) ~= nil and tonumber(passed) <= tonumber(started)
        end
        function failure(e)
          return { kind = e.kind, cause = short(e.cause), message = short(e.message), object = short(e.object),
                   app = status(d, M .. ".app"), results = lines(e.results or {}) }
        end

        """#

    @Test("startup: the dependent starts after the dependency is healthy")
    func startupWaitsForHealthy() async throws {
        let r = try await H.run(H.mapName("wait-up"), Self.map + """
            local steps = dmap.mapping_client(def(true)):startup("app")
            report{ steps = lines(steps), waited = steps[3].result, healthy = healthyBeforeApp(),
                    states = { status(d, M .. ".db"), status(d, M .. ".app") },
                    health = d:inspect_container(M .. ".db").State.Health.Status }
            """)
        #expect(r["steps"] == [
            "create container M.db", "start container M.db", "wait container M.db",
            "create container M.app", "start container M.app",
        ])
        #expect(r["waited"] == "healthy")
        #expect(r["healthy"] == true, "db had passed a health check when app started")
        #expect(r["states"] == ["running", "running"])
        #expect(r["health"] == "healthy")
    }

    @Test("startup: a dependency never healthy within its timeout fails the action; the dependent is not made")
    func startupHealthTimeout() async throws {
        let r = try await H.run(H.mapName("wait-upfail"), Self.map + """
            local mc = dmap.mapping_client(def(false, nil, nil, 20))
            local ok, e = pcall(mc.startup, mc, "app")
            local f = failure(e)
            f.ok = ok
            report(f)
            """)
        #expect(r["ok"] == false)
        #expect(r["kind"] == "action")
        #expect(r["object"] == "M.db")
        let message = try #require(r["message"]?.stringValue)
        #expect(message.contains("wait container M.db"), "\(message)")
        #expect(message.contains("M.db was not healthy after 20 s; last health check: check"), "\(message)")
        #expect(r["cause"]?.stringValue?.hasPrefix("timeout: ") == true, "\(String(describing: r["cause"]))")
        #expect(r["app"] == "absent")
        #expect(r["results"] == ["create container M.db", "start container M.db"])
    }

    @Test("update: a dependency made again is waited for until healthy before its dependent (made again) starts")
    func updateWaitsForHealthy() async throws {
        let r = try await H.run(H.mapName("wait-upd"), Self.map + """
            dmap.mapping_client(def(true)):startup("app")
            local steps = lines(dmap.mapping_client(def(true, "b", "b")):update("app"))
            local function index(line)
              for i, s in ipairs(steps) do if s == line then return i end end
              return 0
            end
            report{ order = index("wait container M.db") < index("start container M.app"),
                    waits = index("wait container M.db") > 0, healthy = healthyBeforeApp(),
                    states = { status(d, M .. ".db"), status(d, M .. ".app") },
                    again = #dmap.mapping_client(def(true, "b", "b")):update("app") }
            """)
        #expect(r["waits"] == true)
        #expect(r["order"] == true, "app started after the wait for db")
        #expect(r["healthy"] == true, "db had passed a health check when app started")
        #expect(r["states"] == ["running", "running"])
        #expect(r["again"] == 0)
    }

    @Test("update: a dependency made again that never gets healthy fails the update; its dependent is not touched")
    func updateHealthTimeout() async throws {
        let r = try await H.run(H.mapName("wait-updfail"), Self.map + """
            dmap.mapping_client(def(true)):startup("app")
            local app0 = d:inspect_container(M .. ".app").Id
            local mc = dmap.mapping_client(def(false, "b", "b", 20))
            local ok, e = pcall(mc.update, mc, "app")
            local f = failure(e)
            f.ok = ok
            f.sameApp = d:inspect_container(M .. ".app").Id == app0
            f.appEnv = d:inspect_container(M .. ".app").Config.Env[1]
            report(f)
            """)
        #expect(r["ok"] == false)
        #expect(r["kind"] == "action")
        let message = try #require(r["message"]?.stringValue)
        #expect(message.hasPrefix("update: wait container M.db"), "\(message)")
        #expect(message.contains("M.db was not healthy after 20 s; last health check: check"), "\(message)")
        #expect(r["cause"]?.stringValue?.hasPrefix("timeout: ") == true, "\(String(describing: r["cause"]))")
        #expect(U.strings(r["results"]) == [
            "stop container M.db", "remove container M.db", "create container M.db", "start container M.db",
        ], "nothing of app ran")
        #expect(r["sameApp"] == true, "app was not made again")
        #expect(r["appEnv"] == "MODE=a")
    }
}
