import Foundation
import Testing
import DockerMapLua

extension CleanupTests {
    /// A map on two hosts: the test engine (`one`) and the second engine (`two`). Nested in the clean-up suite, which
    /// runs one test at a time, so that its removal of every container of the second engine cannot hit these.
    @Suite("Mapping client on two hosts (second engine)")
    struct MappingClientTwoHostsTests {
        typealias H = MappingClientHarness

        /// A map that runs on clients `one` and `two`: a network, a db, and an app of two instances linked to it.
        static let twoHostMap = """
            local m = dmap.map(M, { clients = { "one", "two" }, networks = { back = {} },
              db = { image = "busybox:latest", networks = "back", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", instances = { "a", "b" }, networks = { { "back", links = { { "db", "database" } } } },
                      stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client{ maps = m, clients = {
              one = dmap.client_config{ base_url = HOST }, two = dmap.client_config{ base_url = HOST2 } } }
            """

        @Test("startup puts the map on both engines, the steps naming their client; shutdown removes it from both")
        func startupAndShutdownOnTwoHosts() async throws {
            let r = try await H.run(H.mapName("two"), twoHosts: true, Self.twoHostMap + """
                local plan = lines(mc:plan("startup", "app"), true)
                local up = lines(mc:startup("app"), true)
                local function states(docker)
                  return { status(docker, M .. ".db"), status(docker, M .. ".app.a"), status(docker, M .. ".app.b") }
                end
                local one, two = states(d), states(d2)
                local hostnames = { short(d:inspect_container(M .. ".app.a").Config.Hostname),
                                    short(d2:inspect_container(M .. ".app.a").Config.Hostname) }
                local resolves = { (sh(d, M .. ".app.a", "ping -c1 -W2 database")), (sh(d2, M .. ".app.b", "ping -c1 -W2 database")) }
                -- dmap.client objects stand for client configurations.
                local viaClients = dmap.mapping_client{ maps = m, clients = { one = d, two = d2 } }
                local again = #viaClients:plan("startup", "app")
                local down = lines(viaClients:shutdown("__all__"), true)
                report{ plan = plan, up = up, one = one, two = two, hostnames = hostnames, resolves = resolves,
                        again = again, down = down, afterOne = states(d), afterTwo = states(d2) }
                """)
            #expect(r["plan"] == [
                "one: create network M.back", "two: create network M.back",
                "one: create container M.db", "one: start container M.db",
                "two: create container M.db", "two: start container M.db",
                "one: create container M.app.a", "one: start container M.app.a",
                "two: create container M.app.a", "two: start container M.app.a",
                "one: create container M.app.b", "one: start container M.app.b",
                "two: create container M.app.b", "two: start container M.app.b",
            ])
            #expect(r["up"] == r["plan"])
            #expect(r["one"] == ["running", "running", "running"])
            #expect(r["two"] == ["running", "running", "running"])
            #expect(r["hostnames"] == ["M-app-a-one", "M-app-a-two"], "host names carry the client's name")
            #expect(r["resolves"] == [0, 0], "each app reaches the db on its own engine")
            #expect(r["again"] == 0)
            #expect(r["down"] == [
                "one: stop container M.app.a", "one: remove container M.app.a",
                "two: stop container M.app.a", "two: remove container M.app.a",
                "one: stop container M.app.b", "one: remove container M.app.b",
                "two: stop container M.app.b", "two: remove container M.app.b",
                "one: stop container M.db", "one: remove container M.db",
                "two: stop container M.db", "two: remove container M.db",
            ])
            #expect(r["afterOne"] == ["absent", "absent", "absent"])
            #expect(r["afterTwo"] == ["absent", "absent", "absent"])
        }

        @Test("a failure on one host raises an action error whose results hold what was done on the other")
        func failureOnOneHost() async throws {
            let r = try await H.run(H.mapName("twofail"), twoHosts: true, """
                -- An image only engine one has, from a registry that refuses connections: the pull on two fails at once.
                local only = "127.0.0.1:1/" .. M .. ":latest"
                d:tag("busybox:latest", only)
                local m = dmap.map(M, { clients = { "one", "two" },
                  db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
                  app = { image = only, links = "db", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
                })
                local mc = dmap.mapping_client{ maps = m, clients = {
                  one = dmap.client_config{ base_url = HOST }, two = dmap.client_config{ base_url = HOST2 } } }
                local db = lines(mc:startup("db"), true)
                local plan = lines(mc:plan("startup", "app"), true)
                local ok, e = pcall(mc.startup, mc, "app")
                local results = lines(e.results, true)
                local started = false
                for _, s in ipairs(results) do if s == "one: start container M.app" then started = true end end
                report{ db = db, plan = plan, ok = ok, kind = e.kind, client = e.client, object = short(e.object),
                        says = short(e.message):find("pull image 127.0.0.1:1/M:latest on client two", 1, true) ~= nil,
                        first = results[1], onlyOne = #results >= 1 and #results <= 2 and not results[#results]:find("^two"),
                        oneApp = status(d, M .. ".app"), startedInResults = started, twoApp = status(d2, M .. ".app") }
                """)
            #expect(r["db"] == [
                "one: create container M.db", "one: start container M.db",
                "two: create container M.db", "two: start container M.db",
            ])
            #expect(r["plan"] == [
                "two: pull image 127.0.0.1:1/M:latest",
                "one: create container M.app", "one: start container M.app",
                "two: create container M.app", "two: start container M.app",
            ])
            #expect(r["ok"] == false)
            #expect(r["kind"] == "action")
            #expect(r["client"] == "two")
            #expect(r["object"] == "127.0.0.1:1/M:latest")
            #expect(r["says"] == true)
            // Engine one's steps run beside the pull on two; what was done there is in the results, and only that.
            #expect(r["first"] == "one: create container M.app")
            #expect(r["onlyOne"] == true)
            let started = r["startedInResults"] == true
            #expect(r["oneApp"] == (started ? "running" : "created"), "engine one holds exactly what the results say")
            #expect(r["twoApp"] == "absent", "nothing that needs the image was done on two")
        }
    }
}
