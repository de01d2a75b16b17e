import Foundation
import Testing
import DockerMapLua

/// `dmap.mapping_client` and its actions against the test engine (contract section 5, reference sections 6.2-6.7):
/// each test brings up a map of its own and checks what the engine holds afterwards and what the actions return.
@Suite("Mapping client (real engine)")
struct MappingClientTests {
    typealias H = MappingClientHarness

    /// A database with an attached volume (owner and mode set), persistent, on a network with an alias; an app of two
    /// instances on the same network, linked to the database under another name, with an exec command.
    static let dbAndApp = dbAndApp(with: "")

    /// The same map with more containers (`extra`: Lua table fields).
    static func dbAndApp(with extra: String) -> String {
        """
        local m = dmap.map(M, {
          volumes = { data = { default_path = "/data", user = "1000", permissions = "u=rwX,g=rX,o=" } },
          networks = { back = {} },
          db = { image = "busybox:latest", attaches = "data", persistent = true, stop_signal = "SIGKILL",
                 networks = { { "back", aliases = { "store" } } }, create_options = { command = "sleep 300" } },
          app = { image = "busybox:latest", instances = { "a", "b" }, stop_signal = "SIGKILL",
                  networks = { { "back", links = { { "db", "database" } } } },
                  create_options = { command = "sleep 300" }, exec_commands = { "touch /tmp/ready" } },
          \(extra)
        })
        local mc = dmap.mapping_client(m)
        """
    }

    /// Waits (in the container, up to 5 s) for the file an exec command touches.
    static let waitForReady = "for i in $(seq 50); do [ -f /tmp/ready ] && exit 0; sleep 0.1; done; exit 1"

    // MARK: 1-2. startup

    @Test("startup creates the network, the volume (owned 1000:1000, mode 750), the db and both app instances, runs the exec commands")
    func startupBringsUpTheMap() async throws {
        let r = try await H.run(H.mapName("up"), Self.dbAndApp + """
            local results = mc:startup("app")
            local net = d:inspect_network(M .. ".back")
            local endpoints = {}
            for _, e in pairs(net.Containers) do endpoints[#endpoints + 1] = short(e.Name) end
            table.sort(endpoints)
            local dbNet = d:inspect_container(M .. ".db").NetworkSettings.Networks[M .. ".back"]
            local appNet = d:inspect_container(M .. ".app.a").NetworkSettings.Networks[M .. ".back"]
            report{
              steps = lines(results),
              last = fields(results[#results]),
              createResult = type(results[4].result) == "table" and type(results[4].result.Id),
              status = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b") },
              hostname = short(d:inspect_container(M .. ".app.a").Config.Hostname),
              volume = probe(d, "stat -c '%u:%g %a' /v", { M .. ".data:/v" }),
              endpoints = endpoints,
              dbAliases = dbNet.Aliases and table.concat(dbNet.Aliases, " "):find("store", 1, true) ~= nil,
              appLinks = appNet.Links and short(table.concat(appNet.Links, " ")),
              resolves = { (sh(d, M .. ".app.a", "ping -c1 -W2 database")), (sh(d, M .. ".app.b", "ping -c1 -W2 store")) },
              ready = { (sh(d, M .. ".app.a", [[\(Self.waitForReady)]])), (sh(d, M .. ".app.b", [[\(Self.waitForReady)]])) },
            }
            """)
        #expect(r["steps"] == [
            "create network M.back", "create volume M.data", "prepare volume M.data",
            "create container M.db", "start container M.db",
            "create container M.app.a", "start container M.app.a", "exec container M.app.a",
            "create container M.app.b", "start container M.app.b", "exec container M.app.b",
        ])
        #expect(r["last"] == [
            "client": "__default__", "map": "M", "config": "app", "instance": "b", "kind": "container",
            "name": "M.app.b", "action": "exec", "result": "table",
        ], "results carry no reason, and the exec step returns the exec ids")
        #expect(r["createResult"] == "string", "a create step's result is the engine's reply, with the new Id")
        #expect(r["status"] == ["running", "running", "running"])
        #expect(r["hostname"] == "M-app-a")
        #expect(r["volume"] == "1000:1000 750\n")
        #expect(r["endpoints"] == ["M.app.a", "M.app.b", "M.db"])
        #expect(r["dbAliases"] == true)
        #expect(r["appLinks"] == "M.db:database")
        #expect(r["resolves"] == [0, 0], "the link name and the alias resolve on the network")
        #expect(r["ready"] == [0, 0], "the exec command ran in both instances")
    }

    @Test("links of a container on the default network are HostConfig links named /map.db:/map.app.a/alias")
    func linksOnTheDefaultNetwork() async throws {
        let r = try await H.run(H.mapName("links"), """
            local m = dmap.map(M, {
              db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              cache = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", instances = { "a", "b" }, links = { { "db", "database" }, "cache" },
                      stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            mc:startup("app")
            local links = {}
            for _, l in ipairs(d:inspect_container(M .. ".app.a").HostConfig.Links or {}) do links[#links + 1] = short(l) end
            table.sort(links)
            report{ links = links }
            """)
        #expect(r["links"] == ["/M.cache:/M.app.a/cache", "/M.db:/M.app.a/database"], "the alias defaults to the host name")
    }

    @Test("startup again does nothing: no steps, no plan, the same container ids")
    func startupAgainChangesNothing() async throws {
        let r = try await H.run(H.mapName("again"), Self.dbAndApp + """
            local function ids()
              local out = {}
              for i, n in ipairs{ ".db", ".app.a", ".app.b" } do out[i] = d:inspect_container(M .. n).Id end
              return out
            end
            mc:startup("app")
            local before = ids()
            local plan = mc:plan("startup", "app")
            local again = mc:startup("app")
            local after = ids()
            report{ plan = #plan, again = #again, sameIds = before[1] == after[1] and before[2] == after[2] and before[3] == after[3],
                    allPlan = #mc:plan("startup", "__all__") }
            """)
        #expect(r["plan"] == 0)
        #expect(r["again"] == 0)
        #expect(r["sameIds"] == true)
        #expect(r["allPlan"] == 0)
    }

    // MARK: 3. the other actions

    @Test("create makes everything without starting it; start then starts (and runs exec commands) without creating")
    func createThenStart() async throws {
        let r = try await H.run(H.mapName("create"), Self.dbAndApp + """
            local nothing = mc:start("app")
            local absent = status(d, M .. ".db")
            local created = mc:create("app")
            local afterCreate = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b") }
            local startPlan = lines(mc:plan("start", "app"))
            local started = mc:start("app")
            report{
              nothing = #nothing, absent = absent,
              created = lines(created), afterCreate = afterCreate,
              startPlan = startPlan, started = lines(started),
              afterStart = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b") },
              volume = probe(d, "stat -c '%u:%g %a' /v", { M .. ".data:/v" }),
              ready = (sh(d, M .. ".app.a", [[\(Self.waitForReady)]])),
            }
            """)
        #expect(r["nothing"] == 0, "start does not create")
        #expect(r["absent"] == "absent")
        #expect(r["created"] == [
            "create network M.back", "create volume M.data", "prepare volume M.data",
            "create container M.db", "create container M.app.a", "create container M.app.b",
        ])
        #expect(r["afterCreate"] == ["created", "created", "created"])
        #expect(r["startPlan"] == [
            "start container M.db", "start container M.app.a", "exec container M.app.a",
            "start container M.app.b", "exec container M.app.b",
        ])
        #expect(r["started"] == r["startPlan"])
        #expect(r["afterStart"] == ["running", "running", "running"])
        #expect(r["volume"] == "1000:1000 750\n")
        #expect(r["ready"] == 0)
    }

    @Test("stop stops the dependents first (the app instances before the db) and leaves everything else alone")
    func stopStopsDependentsFirst() async throws {
        let r = try await H.run(H.mapName("stop"), Self.dbAndApp + """
            mc:startup("app")
            local plan = lines(mc:plan("stop", "db"))
            local stopped = mc:stop("db")
            report{
              plan = plan, stopped = lines(stopped),
              status = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b") },
              again = #mc:stop("db"),
              network = (pcall(d.inspect_network, d, M .. ".back")), volume = (pcall(d.inspect_volume, d, M .. ".data")),
            }
            """)
        #expect(r["plan"] == ["stop container M.app.a", "stop container M.app.b", "stop container M.db"])
        #expect(r["stopped"] == r["plan"])
        #expect(r["status"] == ["exited", "exited", "exited"])
        #expect(r["again"] == 0, "stopped containers need no stop")
        #expect(r["network"] == true)
        #expect(r["volume"] == true)
    }

    @Test("restart stops and starts only the target instance; restart_exec_commands runs its exec commands again")
    func restartOnlyTheTarget() async throws {
        let r = try await H.run(H.mapName("restart"), Self.dbAndApp + """
            mc:startup("app")
            local function started(n) return d:inspect_container(M .. n).State.StartedAt end
            local before = { started(".db"), started(".app.a"), started(".app.b") }
            local restarted = mc:restart("app.a")
            local after = { started(".db"), started(".app.a"), started(".app.b") }
            sh(d, M .. ".app.a", "rm /tmp/ready")
            local withExec = mc:restart(M .. ".app.a", { restart_exec_commands = true })
            report{
              restarted = lines(restarted), withExec = lines(withExec),
              changed = { before[1] ~= after[1], before[2] ~= after[2], before[3] ~= after[3] },
              status = status(d, M .. ".app.a"),
              ready = (sh(d, M .. ".app.a", [[\(Self.waitForReady)]])),
            }
            """)
        #expect(r["restarted"] == ["stop container M.app.a", "start container M.app.a"])
        #expect(r["withExec"] == ["stop container M.app.a", "start container M.app.a", "exec container M.app.a"])
        #expect(r["changed"] == [false, true, false])
        #expect(r["status"] == "running")
        #expect(r["ready"] == 0)
    }

    @Test("kill sends the given signal to running targets only (SIGKILL by default)")
    func killWithASignal() async throws {
        let r = try await H.run(H.mapName("kill"), """
            local m = dmap.map(M, {
              trapper = { image = "busybox:latest", stop_signal = "SIGKILL",
                          create_options = { command = { "sh", "-c", "trap 'exit 3' USR1; while true; do sleep 0.2; done" } } },
              sleeper = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              idle = { image = "busybox:latest", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            mc:startup{ "trapper", "sleeper" }
            mc:create("idle")
            local usr1 = mc:kill("trapper", { signal = "SIGUSR1" })
            local code = d:wait(M .. ".trapper")
            local default = mc:kill{ "sleeper", "idle" }
            report{ usr1 = lines(usr1), code = code, default = lines(default),
                    sleeper = d:inspect_container(M .. ".sleeper").State.ExitCode, idle = status(d, M .. ".idle") }
            """)
        #expect(r["usr1"] == ["kill container M.trapper"])
        #expect(r["code"] == 3, "the trap for SIGUSR1 ran")
        #expect(r["default"] == ["kill container M.sleeper"], "a container that is not running is not killed")
        #expect(r["sleeper"] == 137)
        #expect(r["idle"] == "created")
    }

    @Test("remove removes stopped containers only, and with remove_persistent = false not the persistent ones")
    func removeKeepsRunningAndPersistent() async throws {
        let other = #"other = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },"#
        let r = try await H.run(H.mapName("remove"), Self.dbAndApp(with: other) + """
            mc:startup("__all__")
            mc:stop("db")
            local kept = mc:remove("__all__", { remove_persistent = false })
            local afterKept = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b"), status(d, M .. ".other") }
            local all = mc:remove("__all__")
            report{ kept = lines(kept), afterKept = afterKept, all = lines(all),
                    afterAll = { status(d, M .. ".db"), status(d, M .. ".other") } }
            """)
        #expect(r["kept"] == ["remove container M.app.a", "remove container M.app.b"])
        #expect(r["afterKept"] == ["exited", "absent", "absent", "running"])
        #expect(r["all"] == ["remove container M.db"], "a running container is not removed")
        #expect(r["afterAll"] == ["absent", "running"])
    }

    @Test("shutdown stops and removes dependents first; remove_persistent = false keeps the persistent db running")
    func shutdownWithAndWithoutPersistent() async throws {
        let r = try await H.run(H.mapName("shutdown"), Self.dbAndApp + """
            mc:startup("app")
            local kept = mc:shutdown("db", { remove_persistent = false })
            local afterKept = { status(d, M .. ".db"), status(d, M .. ".app.a"), status(d, M .. ".app.b") }
            local all = mc:shutdown("__all__")
            report{ kept = lines(kept), afterKept = afterKept, all = lines(all), db = status(d, M .. ".db"),
                    network = (pcall(d.inspect_network, d, M .. ".back")), volume = (pcall(d.inspect_volume, d, M .. ".data")) }
            """)
        #expect(r["kept"] == [
            "stop container M.app.a", "remove container M.app.a", "stop container M.app.b", "remove container M.app.b",
        ])
        #expect(r["afterKept"] == ["running", "absent", "absent"])
        #expect(r["all"] == ["stop container M.db", "remove container M.db"])
        #expect(r["db"] == "absent")
        #expect(r["network"] == true, "shutdown leaves networks (Docker-Map removes them only when targeted)")
        #expect(r["volume"] == true, "shutdown leaves attached volumes")
    }

    @Test("stop_timeout of the client applies to containers that set none: SIGKILL follows SIGTERM after 1 s, not 10 s")
    func clientStopTimeout() async throws {
        let r = try await H.run(H.mapName("timeout"), """
            local m = dmap.map(M, { app = { image = "busybox:latest", create_options = { command = "sleep 300" } } })
            local mc = dmap.mapping_client{ maps = m, client = dmap.client_config{ base_url = HOST, stop_timeout = 1 } }
            mc:startup("app")
            local since = os.time() - 1
            local steps = lines(mc:stop("app"))
            -- The engine's own record of the signals it sent, timed by the engine (a loaded engine stops slowly).
            local events = d:api("GET", "/events", { query = { since = tostring(since), ["until"] = tostring(os.time() + 1),
              filters = '{"container":["' .. M .. '.app"],"event":["kill"]}' } })
            -- One event comes back as a single object, several as a list.
            if events.Type or events.status then events = { events } end
            local sent = {}
            for _, e in ipairs(events) do
              local signal = e.Actor and e.Actor.Attributes and e.Actor.Attributes.signal
              if signal then sent[signal] = e.timeNano end
            end
            report{ steps = steps, gap = sent["15"] and sent["9"] and (sent["9"] - sent["15"]) / 1e9,
                    code = d:inspect_container(M .. ".app").State.ExitCode }
            """)
        #expect(r["steps"] == ["stop container M.app"])
        let gap = r["gap"].flatMap { v -> Double? in if case .double(let d) = v { return d }; return v.intValue.map(Double.init) }
        #expect(gap.map { $0 >= 0.9 && $0 < 8 } == true, "sleep ignores SIGTERM; SIGKILL came \(String(describing: gap)) s later")
        #expect(r["code"] == 137)
    }

    // MARK: 4. targets

    @Test("target forms: config, map.config, map.config.instance, config.instance, a group, __all__, an array, instances")
    func targetForms() async throws {
        let r = try await H.run(H.mapName("targets"), """
            local m = dmap.map(M, { groups = { pair = { "db", "app.b" } },
              db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", instances = { "a", "b" }, links = "db", stop_signal = "SIGKILL",
                      create_options = { command = "sleep 300" } },
              other = { image = "busybox:latest" },
              base = { abstract = true, image = "busybox:latest" },
            })
            local mc = dmap.mapping_client(m)
            local function planned(target, opts)
              local out = {}
              for _, s in ipairs(mc:plan("create", target, opts)) do out[#out + 1] = short(s.name) end
              return table.concat(out, " ")
            end
            local function sorted(s)
              local words = {}
              for w in s:gmatch("%S+") do words[#words + 1] = w end
              table.sort(words)
              return table.concat(words, " ")
            end
            local plans = {
              config = planned("app"), mapConfig = planned(M .. ".app"), instance = planned(M .. ".app.a"),
              configInstance = planned("app.b"), group = planned("pair"), all = planned("__all__"),
              mapAll = planned(M .. ".__all__"), array = sorted(planned{ "other", "app.a" }),
              instances = planned("app", { instances = "b" }), instanceList = planned("app", { instances = { "a", "b" } }),
              ownInstanceWins = planned("app.a", { instances = "b" }),
            }
            plans.started = lines(mc:startup(M .. ".app.a"))
            plans.appB = status(d, M .. ".app.b")
            report(plans)
            """)
        #expect(r["config"] == "M.db M.app.a M.app.b")
        #expect(r["mapConfig"] == "M.db M.app.a M.app.b")
        #expect(r["instance"] == "M.db M.app.a")
        #expect(r["configInstance"] == "M.db M.app.b", "'app.b' is config app, instance b (app is not a map)")
        #expect(r["group"] == "M.db M.app.b")
        #expect(r["all"] == "M.db M.app.a M.app.b M.other", "__all__ skips abstract configurations")
        #expect(r["mapAll"] == r["all"])
        #expect(r["array"] == "M.app.a M.db M.other", "the targets and the dependencies of both")
        #expect(r["instances"] == "M.db M.app.b")
        #expect(r["instanceList"] == "M.db M.app.a M.app.b")
        #expect(r["ownInstanceWins"] == "M.db M.app.a")
        #expect(r["started"] == [
            "create container M.db", "start container M.db", "create container M.app.a", "start container M.app.a",
        ])
        #expect(r["appB"] == "absent", "only the targeted instance was made")
    }

    @Test("unknown targets are not_found errors naming the object, with the nearest name; bad forms are usage errors")
    func unknownTargets() async throws {
        let r = try await H.run(H.mapName("unknown"), """
            local m = dmap.map(M, {
              db = { image = "busybox:latest" },
              app = { image = "busybox:latest", instances = { "a", "b" } },
              base = { abstract = true, image = "busybox:latest" },
            })
            local mc = dmap.mapping_client(m)
            local function failure(target, opts)
              local ok, e = pcall(mc.plan, mc, "create", target, opts)
              if ok then return "no error" end
              return { kind = e.kind, object = short(e.object), message = short(e.message) }
            end
            report{
              config = failure("ap"), mapConfig = failure(M .. ".ap"), instance = failure("app.c"),
              mapInstance = failure(M .. ".app.c"), noInstances = failure("db.x"), option = failure("app", { instances = "z" }),
              abstract = failure("base"), tooLong = failure("a.b.c.d"), wrongMap = failure("x5.app"), action = select(2, pcall(mc.plan, mc, "stat", "app")).kind,
              unknownOption = select(2, pcall(mc.create, mc, "app", { remove_persistant = false })).kind,
              nothingMade = status(d, M .. ".db") == "absent" and status(d, M .. ".app.a") == "absent",
            }
            """)
        #expect(r["config"] == ["kind": "not_found", "object": "M.ap",
                                "message": "map 'M' has no container or group 'ap' (did you mean 'app'?)"])
        #expect(r["mapConfig"] == r["config"])
        #expect(r["instance"] == ["kind": "not_found", "object": "M.app.c",
                                  "message": "container 'app' of map 'M' has no instance 'c' (did you mean 'a'?)"])
        #expect(r["mapInstance"] == r["instance"])
        #expect(r["noInstances"]?["kind"] == "not_found")
        #expect(r["option"]?["object"] == "M.app.z")
        #expect(r["abstract"]?["kind"] == "not_found")
        #expect(r["tooLong"]?["kind"] == "usage")
        // Neither a map nor a container: both readings are named.
        #expect(r["wrongMap"]?["kind"] == "not_found")
        #expect(r["wrongMap"]?["message"]?.stringValue?.contains("no map 'x5' (maps: M) and no container 'x5' in map 'M'") == true)
        #expect(r["action"] == "usage")
        #expect(r["unknownOption"] == "usage")
        #expect(r["nothingMade"] == true)
    }

    // MARK: 5-6. ports, images

    @Test("exposes bound to a client interface: HostIp is the interface's address; an unknown interface is a config error")
    func exposesOnAnInterface() async throws {
        let port = Int.random(in: 20000...29999)
        let r = try await H.run(H.mapName("ports"), """
            local m = dmap.map(M, {
              web = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" },
                      exposes = { { 80, \(port), "private" }, { 81, \(port + 1) }, { 82 } } },
            })
            local bare = dmap.mapping_client(m)
            local ok, e = pcall(bare.startup, bare, "web")
            local mc = dmap.mapping_client{ maps = m,
              client = dmap.client_config{ base_url = HOST, interfaces = { private = "127.0.0.1" } } }
            mc:startup("web")
            local c = d:inspect_container(M .. ".web")
            local bindings = {}
            for port, list in pairs(c.HostConfig.PortBindings) do
              for _, b in ipairs(list) do bindings[#bindings + 1] = port .. " " .. b.HostIp .. ":" .. b.HostPort end
            end
            table.sort(bindings)
            local exposed = {}
            for port in pairs(c.Config.ExposedPorts) do exposed[#exposed + 1] = port end
            table.sort(exposed)
            report{ error = { ok, e.kind, e.client, e.message:find("interface 'private'", 1, true) ~= nil },
                    bindings = bindings, exposed = exposed }
            """)
        #expect(r["error"] == [false, "config", "__default__", true])
        #expect(r["bindings"] == [.string("80/tcp 127.0.0.1:\(port)"), .string("81/tcp :\(port + 1)")])
        #expect(r["exposed"] == ["80/tcp", "81/tcp", "82/tcp"])
    }

    @Test("pull_images: a present image is pulled only with pull_all_images (the default); pull_all_images = false does nothing")
    func pullImagesOfPresentImages() async throws {
        let r = try await H.run(H.mapName("pull"), """
            local m = dmap.map(M, {
              db = { image = "busybox:latest" },
              app = { image = "busybox", links = "db" },
            })
            local mc = dmap.mapping_client(m)
            local all = mc:plan("pull_images", "app")
            report{ all = lines(all), reason = all[1] and all[1].reason,
                    missingOnly = #mc:plan("pull_images", "app", { pull_all_images = false }),
                    pulled = #mc:pull_images("app", { pull_all_images = false }),
                    createPulls = #mc:plan("create", "app") }
            """)
        #expect(r["all"] == ["pull image busybox:latest"], "db's and app's image are one image, pulled once")
        #expect(r["reason"] == "pull_all_images")
        #expect(r["missingOnly"] == 0)
        #expect(r["pulled"] == 0)
        #expect(r["createPulls"] == 2, "create pulls nothing that is there: the two creates only")
    }

    // MARK: 8. failures

    @Test("a failing step raises an action error with the steps done, the failing object and the step in its message")
    func failureMidway() async throws {
        let r = try await H.run(H.mapName("fail"), """
            local m = dmap.map(M, {
              db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", links = "db", create_options = { command = "/nonexistent" } },
              after = { image = "busybox:latest", links = "app", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            local ok, e = pcall(mc.startup, mc, "after")
            report{ ok = ok, isError = dmap.is_error(e), kind = e.kind, object = short(e.object), client = e.client,
                    names = short(e.message):find("startup: start container M.app on client __default__ failed", 1, true) ~= nil,
                    results = lines(e.results), resultFields = fields(e.results[1]),
                    status = { status(d, M .. ".db"), status(d, M .. ".app"), status(d, M .. ".after") } }
            """)
        #expect(r["ok"] == false)
        #expect(r["isError"] == true)
        #expect(r["kind"] == "action")
        #expect(r["object"] == "M.app")
        #expect(r["client"] == "__default__")
        #expect(r["names"] == true)
        #expect(r["results"] == ["create container M.db", "start container M.db", "create container M.app"])
        #expect(r["resultFields"]?["result"] == "table", "results in the error have the shape of action results")
        #expect(r["status"] == ["running", "created", "absent"], "nothing after the failing step was done")
    }

    @Test("a volume whose owner cannot be set fails the action at its prepare step and leaves no helper container")
    func failedVolumePreparation() async throws {
        let r = try await H.run(H.mapName("prep"), """
            local m = dmap.map(M, { volumes = { data = { default_path = "/data", user = "nosuchuser" } },
              db = { image = "busybox:latest", attaches = "data", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            local ok, e = pcall(mc.startup, mc, "db")
            local helpers = 0
            for _, c in ipairs(d:containers{ all = true }) do
              if c.Labels and c.Labels["dmap.preparation"] == M .. ".data" then helpers = helpers + 1 end
            end
            report{ kind = e.kind, object = short(e.object), results = lines(e.results),
                    says = e.message:find("nosuchuser", 1, true) ~= nil, helpers = helpers, db = status(d, M .. ".db") }
            """)
        #expect(r["kind"] == "action")
        #expect(r["object"] == "M.data")
        #expect(r["results"] == ["create volume M.data"])
        #expect(r["says"] == true, "the message holds the preparation's output")
        #expect(r["helpers"] == 0)
        #expect(r["db"] == "absent")
    }

    @Test("an image that cannot be pulled fails at its pull step, before anything that needs it")
    func failedPull() async throws {
        let r = try await H.run(H.mapName("nopull"), """
            -- A registry that refuses connections: nothing leaves this machine.
            local m = dmap.map(M, {
              app = { image = "127.0.0.1:1/" .. M .. ":1.0", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            local plan = mc:plan("startup", "app")
            local ok, e = pcall(mc.startup, mc, "app")
            report{ plan = lines(plan), reason = plan[1].reason, kind = e.kind, object = short(e.object),
                    results = #e.results, app = status(d, M .. ".app") }
            """)
        #expect(r["plan"] == ["pull image 127.0.0.1:1/M:1.0", "create container M.app", "start container M.app"])
        #expect(r["reason"] == "image missing")
        #expect(r["kind"] == "action")
        #expect(r["object"] == "127.0.0.1:1/M:1.0")
        #expect(r["results"] == 0)
        #expect(r["app"] == "absent")
    }

    @Test("plan changes nothing: no container, network or volume of the map appears, no helper container runs")
    func planChangesNothing() async throws {
        let r = try await H.run(H.mapName("plan"), Self.dbAndApp + """
            -- Other tests use the engine meanwhile, so count only what this map could have made.
            local function ours()
              local n = 0
              for _, c in ipairs(d:containers{ all = true }) do
                local label = c.Labels and c.Labels["dmap.preparation"] or ""
                if short(c.Names[1]):find("^/M%.") or label:find(M, 1, true) then n = n + 1 end
              end
              for _, x in ipairs(d:networks()) do if short(x.Name):find("^M%.") then n = n + 1 end end
              for _, v in ipairs(d:volumes().Volumes or {}) do if short(v.Name):find("^M%.") then n = n + 1 end end
              return n
            end
            local steps = {}
            for _, action in ipairs{ "create", "start", "startup", "pull_images", "stop", "restart", "kill", "remove", "shutdown" } do
              steps[#steps + 1] = #mc:plan(action, "__all__")
            end
            local before = ours()
            mc:startup("app")
            local made = ours()
            local shutdownPlan = #mc:plan("shutdown", "__all__")
            report{ before = before, made = made, after = ours(), shutdownPlan = shutdownPlan,
                    steps = steps }
            """)
        #expect(r["before"] == 0, "planning every action made nothing")
        #expect(r["made"] == 5, "startup made the network, the volume and three containers")
        #expect(r["shutdownPlan"] == 6)
        #expect(r["after"] == 5, "planning shutdown removed nothing")
        #expect(r["steps"] == [6, 0, 11, 1, 0, 0, 0, 0, 0])
    }

    @Test("plan steps carry their reason")
    func planReasons() async throws {
        let r = try await H.run(H.mapName("reasons"), Self.dbAndApp + """
            local fresh = mc:plan("startup", "db")
            mc:create("app")
            local created = mc:plan("startup", "app")
            mc:start("app")
            mc:stop("app")
            local stopped = mc:plan("startup", "app")
            local function reasons(steps)
              local out = {}
              for i, s in ipairs(steps) do out[i] = s.action .. " " .. short(s.name) .. ": " .. s.reason end
              return out
            end
            report{ first = fields(fresh[1]), fresh = reasons(fresh), created = reasons(created), stopped = reasons(stopped),
                    shutdown = reasons(mc:plan("shutdown", "app.a")) }
            """)
        #expect(r["first"] == [
            "client": "__default__", "map": "M", "config": "back", "kind": "network", "name": "M.back",
            "action": "create", "reason": "absent", "result": "nil",
        ])
        #expect(r["fresh"] == [
            "create M.back: absent", "create M.data: absent", "prepare M.data: owner and mode",
            "create M.db: absent", "start M.db: created",
        ])
        #expect(r["created"] == [
            "start M.db: created, never started",
            "start M.app.a: created, never started", "exec M.app.a: started for the first time",
            "start M.app.b: created, never started", "exec M.app.b: started for the first time",
        ])
        #expect(r["stopped"] == ["start M.app.a: stopped", "exec M.app.a: started", "start M.app.b: stopped", "exec M.app.b: started"])
        #expect(r["shutdown"] == ["remove M.app.a: shutdown"])
    }

    // MARK: 9. parallelism

    @Test("parallel = 1 does every step, and results come in plan order as with the default parallelism")
    func parallelismKeepsPlanOrder() async throws {
        let r = try await H.run(H.mapName("parallel"), """
            local m = dmap.map(M, { networks = { back = {} },
              db = { image = "busybox:latest", networks = "back", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", instances = { "a", "b", "c", "d" }, networks = "back", links = "db",
                      stop_signal = "SIGKILL", create_options = { command = "sleep 300" }, exec_commands = { "true" } },
              other = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
            })
            local serial = dmap.mapping_client{ maps = m, options = { parallel = 1 } }
            local default = dmap.mapping_client(m)
            local plan = lines(default:plan("startup", "__all__"))
            local one = lines(serial:startup("__all__"))
            local running = 0
            for _, n in ipairs{ ".db", ".app.a", ".app.b", ".app.c", ".app.d", ".other" } do
              if status(d, M .. n) == "running" then running = running + 1 end
            end
            local downOne = lines(serial:shutdown("__all__"))
            d:remove_network(M .. ".back")
            local many = lines(default:startup("__all__"))
            local downMany = lines(default:shutdown("__all__", { parallel = 8 }))
            local function dbAfterApps(steps)
              local db, lastApp = 0, 0
              for i, s in ipairs(steps) do
                if s == "remove container M.db" then db = i elseif s:find("M.app.", 1, true) then lastApp = i end
              end
              return db > lastApp
            end
            local function same(a, b)
              if #a ~= #b then return false end
              for i = 1, #a do if a[i] ~= b[i] then return false end end
              return true
            end
            report{ steps = #one, running = running, samePlan = same(one, plan) and same(many, plan),
                    sameShutdown = same(downOne, downMany), shutdownSteps = #downOne,
                    dbAfterApps = dbAfterApps(downMany) }
            """)
        #expect(r["steps"] == 17)
        #expect(r["running"] == 6)
        #expect(r["samePlan"] == true)
        #expect(r["sameShutdown"] == true)
        #expect(r["shutdownSteps"] == 12)
        #expect(r["dbAfterApps"] == true, "dependents are removed before the db")
    }

    @Test("options of the mapping client are the defaults of its actions; default_map; list_persistent_containers")
    func mappingClientOptions() async throws {
        let r = try await H.run(H.mapName("opts"), Self.dbAndApp + """
            local keep = dmap.mapping_client{ maps = { m }, options = { remove_persistent = false } }
            local chosen = keep.default_map
            local badMap = select(2, pcall(function() keep.default_map = "nomap" end))
            keep:startup("app")
            local kept = lines(keep:shutdown("__all__"))
            local overridden = lines(keep:shutdown("__all__", { remove_persistent = true }))
            local persistent = {}
            for i, n in ipairs(keep:list_persistent_containers()) do persistent[i] = short(n) end
            table.sort(persistent)
            report{ chosen = short(chosen), badMap = badMap.kind, kept = kept, overridden = overridden, persistent = persistent }
            """)
        #expect(r["chosen"] == "M", "a single map is the default map")
        #expect(r["badMap"] == "usage")
        #expect(r["kept"] == [
            "stop container M.app.a", "remove container M.app.a", "stop container M.app.b", "remove container M.app.b",
        ])
        #expect(r["overridden"] == ["stop container M.db", "remove container M.db"])
        #expect(r["persistent"] == ["M.data", "M.db"], "the attached volume and the persistent container")
    }

    // MARK: Known deviations from the contract


    @Test("every network endpoint after the first keeps its aliases and links")
    func secondNetworkEndpoint() async throws {
        let r = try await H.run(H.mapName("nets"), """
            local m = dmap.map(M, { networks = { front = {}, back = {} },
              db = { image = "busybox:latest", networks = "back", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              app = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" },
                      networks = { { "front", aliases = { "web" } }, { "back", aliases = { "api" }, links = { { "db", "database" } } } } },
            })
            local mc = dmap.mapping_client(m)
            local steps = lines(mc:startup("app"))
            local nets = d:inspect_container(M .. ".app").NetworkSettings.Networks
            local function has(list, x) return list ~= nil and table.concat(list, " "):find(x, 1, true) ~= nil end
            report{ steps = steps,
                    front = has(nets[M .. ".front"].Aliases, "web"),
                    backAlias = has(nets[M .. ".back"].Aliases, "api"),
                    backLink = has(nets[M .. ".back"].Links, M .. ".db:database"),
                    resolves = (sh(d, M .. ".app", "ping -c1 -W2 database")) }
            """)
        #expect(r["steps"] == [
            "create network M.back", "create network M.front", "create container M.db", "start container M.db",
            "create container M.app", "connect container M.app", "start container M.app",
        ])
        #expect(r["front"] == true)
        #expect(r["backAlias"] == true)
        #expect(r["backLink"] == true)
        #expect(r["resolves"] == 0)
    }

    @Test("wait = \"exited\": startup waits for the container to exit before its dependents start")
    func startupWaits() async throws {
        let r = try await H.run(H.mapName("wait"), """
            -- init exits once it finds /shared/go; app, which needs init, makes that file when it starts. So
            -- startup cannot succeed if it waits for init as the map says: it times out, and app never starts.
            local m = dmap.map(M, {
              init = { image = "busybox:latest", shares = "/shared", stop_signal = "SIGKILL", wait = { "exited", timeout = 3 },
                       create_options = { command = { "sh", "-c", "while [ ! -f /shared/go ]; do sleep 0.1; done" } } },
              app = { image = "busybox:latest", uses = "init", stop_signal = "SIGKILL",
                      create_options = { command = { "sh", "-c", "touch /shared/go; sleep 300" } } },
            })
            local mc = dmap.mapping_client(m)
            local ok, e = pcall(mc.startup, mc, "app")
            report{ ok = ok, app = status(d, M .. ".app") }
            """)
        #expect(r["ok"] == false, "the wait for init to exit timed out")
        #expect(r["app"] != "running")
    }

    @Test("the contract's update and run_script exist; mc:plan(\"update\") plans the missing container")
    func updateAndRunScript() async throws {
        let r = try await H.run(H.mapName("actions"), """
            local mc = dmap.mapping_client(dmap.map(M, { app = { image = "busybox:latest" } }))
            local ok, plan = pcall(mc.plan, mc, "update", "app")
            report{ update = type(mc.update), run_script = type(mc.run_script), ok = ok,
                    plan = ok and lines(plan) or tostring(plan), app = status(d, M .. ".app") }
            """)
        #expect(r["run_script"] == "function")
        #expect(r["update"] == "function")
        #expect(r["ok"] == true)
        #expect(r["plan"] == ["create container M.app", "start container M.app"])
        #expect(r["app"] == "absent", "a plan changes nothing")
    }

    @Test("network_mode naming another container of the map: startup makes and starts the container")
    func networkModeOfAContainer() async throws {
        let r = try await H.run(H.mapName("netmode"), """
            local m = dmap.map(M, {
              db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              side = { image = "busybox:latest", network_mode = "db", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
            })
            local mc = dmap.mapping_client(m)
            local ok, e = pcall(mc.startup, mc, "side")
            report{ ok = ok or e.message, side = status(d, M .. ".side"), db = status(d, M .. ".db") }
            """)
        #expect(r["db"] == "running")
        #expect(r["ok"] == true)
        #expect(r["side"] == "running")
    }

    @Test("wait_timeout of the client bounds the wait for a volume's preparation")
    func clientWaitTimeout() async throws {
        let r = try await H.run(H.mapName("waitto"), """
            -- An image whose sh only sleeps (30 s), as the helper image of the volume preparation (core_image).
            local slow = M .. "-slow:latest"
            d:create_container{ name = M .. ".mkslow", Image = "busybox:latest",
              Cmd = { "/bin/busybox", "sh", "-c", "rm /bin/sh && printf '#!/bin/busybox ash\\nsleep 30\\n' > /bin/sh && chmod 755 /bin/sh" } }
            d:start(M .. ".mkslow")
            d:wait(M .. ".mkslow")
            d:api("POST", "/commit", { query = { container = M .. ".mkslow", repo = M .. "-slow", tag = "latest" } })
            local m = dmap.map(M, { volumes = { data = { default_path = "/data", user = "1000" } },
              db = { image = "busybox:latest", attaches = "data", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } } })
            local mc = dmap.mapping_client{ maps = m, client = dmap.client_config{ base_url = HOST, wait_timeout = 1 } }
            local ok, e = pcall(mc.startup, mc, "db", { core_image = slow })
            report{ ok = ok, cause = not ok and e.cause or nil, object = not ok and short(e.object) or nil }
            """)
        // Without the bound the preparation would succeed after 30 s; with it, it fails with a timeout (asserted
        // on the error, not on the clock, which a loaded machine stretches).
        #expect(r["ok"] == false)
        #expect(r["cause"]?.stringValue?.hasPrefix("timeout:") == true)
        #expect(r["object"] == "M.data")
    }

    @Test("a paused container counts as running (Docker-Map reads State.Running): startup leaves it, stop stops it")
    func pausedContainer() async throws {
        let r = try await H.run(H.mapName("paused"), """
            local m = dmap.map(M, { app = { image = "busybox:latest", stop_timeout = 1, create_options = { command = "sleep 300" } } })
            local mc = dmap.mapping_client(m)
            mc:startup("app")
            d:api("POST", "/containers/" .. M .. ".app/pause")
            local ok, e = pcall(mc.startup, mc, "app")
            report{ running = d:inspect_container(M .. ".app").State.Running, startupPlan = #mc:plan("startup", "app"),
                    startup = ok or e.message, stopPlan = lines(mc:plan("stop", "app")) }
            """)
        #expect(r["running"] == true)
        #expect(r["startupPlan"] == 0)
        #expect(r["startup"] == true)
        #expect(r["stopPlan"] == ["stop container M.app"])
    }
}
