import Foundation
import OrderedCollections
import Testing
@testable import DockerMapLua

/// `update` planned against snapshots of an engine that a startup of the map left behind (the create requests the
/// plan sent, labels included), then changed one thing at a time.
@Suite("Actions: update planning")
struct UpdatePlannerTests {
    static let map: InputValue = [
        "volumes": ["data": "/data"],
        "networks": ["back": [:]],
        "db": ["image": "busybox:latest", "attaches": "data", "networks": [["back", ["aliases": ["store"]]]],
               "persistent": true, "create_options": ["command": "sleep 300"]],
        "app": ["image": "busybox:latest", "instances": ["a", "b"], "links": [["db", "database"]], "networks": "back",
                "create_options": ["environment": ["MODE": "prod"], "command": "sleep 300"],
                "exec_commands": ["serve --watch", ["seed.sh", "root", "initial"]]],
        "web": ["image": "nginx:1", "links": ["app.a"], "networks": "back", "host_config": ["mem_limit": "64m"]],
    ]
    static let images = ["busybox:latest": "sha256:b", "nginx:1": "sha256:n"]

    func maps(_ map: InputValue) throws -> OrderedDictionary<String, ContainerMap> {
        ["m": try ContainerMap.parse(name: "m", map)]
    }

    func planner(_ map: InputValue, _ snapshot: EngineSnapshot, _ options: ActionOptions = ActionOptions()) throws -> Planner {
        Planner(maps: try maps(map), clients: [:], snapshots: [ContainerMap.defaultClientName: snapshot], options: options)
    }

    func plan(_ action: ActionKind, _ targets: [String] = ["__all__"], map: InputValue = Self.map,
              _ snapshot: EngineSnapshot, _ options: ActionOptions = ActionOptions()) throws -> (steps: [PlanStep], planner: Planner) {
        var p = try planner(map, snapshot, options)
        let steps = try p.plan(action, try ActionTargets.resolve(targets, maps: try maps(map), defaultMap: "m"))
        return (steps, p)
    }

    /// The engine after `steps` ran: networks, volumes and running containers with the labels and networks their
    /// create and connect requests asked for, and the images of `images`.
    static func engine(after steps: [PlanStep], images: [String: String] = images) -> EngineSnapshot {
        var s = EngineSnapshot()
        s.images = images
        for step in steps {
            switch step.work {
            case .createNetwork(let body):
                let name = body["Name"]!.stringValue!
                s.networks[name] = .init(id: "n-" + name, name: name, driver: body["Driver"]?.stringValue ?? "bridge",
                                         options: EngineSnapshot.strings(body["Options"]),
                                         isInternal: body["Internal"]?.boolValue ?? false)
            case .createVolume(let body):
                let name = body["Name"]!.stringValue!
                s.volumes.insert(name)
                s.volumeInfo[name] = .init(name: name, driver: body["Driver"]?.stringValue ?? "local",
                                           options: EngineSnapshot.strings(body["DriverOpts"]))
            case .createContainer(let name, let body):
                var networks = Set((body["NetworkingConfig"]?["EndpointsConfig"]?.objectValue ?? [:]).keys)
                if networks.isEmpty { networks = ["bridge"] }
                s.containers[name] = .init(
                    id: "id-" + name, name: name, state: "created", exitCode: nil,
                    imageID: images[body["Image"]!.stringValue!] ?? "", labels: EngineSnapshot.strings(body["Labels"]),
                    networks: networks.sorted(),
                    volumes: (body["HostConfig"]?["Binds"]?.arrayValue ?? []).compactMap(\.stringValue)
                        .filter { !$0.hasPrefix("/") }.compactMap { $0.split(separator: ":").first.map(String.init) })
            case .connect(let container, let network, _):
                let networks = s.containers[container]?.networks ?? []
                s.containers[container]?.networks = (networks + [network]).sorted()
            case .start(let container, _):
                s.containers[container]?.state = "running"
            default: break
            }
        }
        return s
    }

    func startedEngine(map: InputValue = Self.map) throws -> EngineSnapshot {
        Self.engine(after: try plan(.startup, ["__all__"], map: map, EngineSnapshot()).steps)
    }

    func lines(_ steps: [PlanStep]) -> [String] { steps.map { "\($0.action.rawValue) \($0.name)" } }

    /// The map with `change` applied to one container's properties.
    static func changed(_ config: String, in map: InputValue = map, _ change: (inout [String: InputValue]) -> Void) -> InputValue {
        setting(map, config) { value in
            var fields: [String: InputValue] = [:]
            if case .dict(let entries) = value { for (k, v) in entries { if let key = k.stringValue { fields[key] = v } } }
            change(&fields)
            return .dict(fields.sorted { $0.key < $1.key }.map { (key: .string($0.key), value: $0.value) })
        }
    }

    /// `map` with the value under `key` replaced by `replace(old)`.
    static func setting(_ map: InputValue, _ key: String, _ replace: (InputValue) -> InputValue) -> InputValue {
        guard case .dict(var entries) = map, let i = entries.firstIndex(where: { $0.key.stringValue == key }) else { return map }
        entries[i].value = replace(entries[i].value)
        return .dict(entries)
    }

    /// Details for containers the planner asked to inspect: a HostConfig as the engine reports it after create.
    static func withDetails(_ s: EngineSnapshot, _ hostConfig: [String: [String: Value]]) -> EngineSnapshot {
        var s = s
        for (name, host) in hostConfig { s.containers[name]?.details = ["HostConfig": .object(host)] }
        return s
    }

    @Test("After startup, update plans nothing once the limited container is inspected and exec commands are found")
    func idempotent() throws {
        var engine = try startedEngine()
        var first = try plan(.update, ["__all__"], engine)
        // It needs to read the limits of web (mem_limit) and the processes of the app instances (exec commands).
        #expect(first.planner.detailsWanted[ContainerMap.defaultClientName] == ["m.web"])
        #expect(first.planner.processesWanted[ContainerMap.defaultClientName] == ["m.app.a", "m.app.b"])
        #expect(first.steps.isEmpty)
        engine = Self.withDetails(engine, ["m.web": ["Memory": 67108864, "MemorySwap": 134217728, "CpuShares": 0]])
        for name in ["m.app.a", "m.app.b"] {
            engine.containers[name]?.processes = ["Titles": ["PID", "UID", "USER", "COMMAND"],
                                                  "Processes": [["1", "0", "root", "sleep 300"], ["9", "0", "root", "serve --watch"]]]
        }
        first = try plan(.update, ["__all__"], engine)
        #expect(first.steps.isEmpty)
        #expect(first.planner.detailsWanted.isEmpty && first.planner.processesWanted.isEmpty)
    }

    @Test("An environment change recreates that container only, with the change as the reason; dependents stay")
    func environment() throws {
        let engine = try startedEngine()
        let map = Self.changed("app") { $0["create_options"] = ["environment": ["MODE": "dev"], "command": "sleep 300"] }
        let steps = try plan(.update, ["app.a"], map: map, engine).steps
        #expect(lines(steps) == ["stop m.app.a", "remove m.app.a", "create m.app.a", "start m.app.a", "exec m.app.a"])
        #expect(steps[0].reason == "env MODE: prod -> dev")
        // Both exec commands run on the new container, the initial one included.
        guard case .exec(_, let commands) = steps[4].work else { Issue.record("no exec"); return }
        #expect(commands.count == 2)
        // web links to app.a by name: not touched.
        #expect(try plan(.update, ["web"], map: map, Self.withDetails(engine, ["m.web": ["Memory": 67108864]])).steps
            .filter { $0.name == "m.web" }.isEmpty)
    }

    @Test("Command, user, ports, binds, labels and network mode changes are each named in the reason")
    func createTimeSettings() throws {
        let engine = try startedEngine()
        func reason(_ change: @escaping (inout [String: InputValue]) -> Void) throws -> String? {
            try plan(.update, ["app.b"], map: Self.changed("app", change), engine).steps.first?.reason
        }
        #expect(try reason { $0["create_options"] = ["environment": ["MODE": "prod"], "command": "sleep 400"] }
            == "command sleep 300 -> sleep 400")
        #expect(try reason { $0["user"] = "nobody" } == "user unset -> nobody")
        let ports = try reason { $0["exposes"] = [[80, 8080]] }
        #expect(ports == "exposed ports 80/tcp added; published ports 80/tcp added")
        #expect(try reason { $0["create_options"] = ["environment": ["MODE": "prod", "X": "1"], "command": "sleep 300"] }
            == "env X=1 added")
        #expect(try reason { $0["create_options"] = ["environment": ["MODE": "prod", "DB_PASSWORD": "s3cret"], "command": "sleep 300"] }
            == "env DB_PASSWORD added")
        #expect(try reason { $0["create_options"] = ["environment": ["MODE": "prod"], "command": "sleep 300",
                                                      "labels": ["team": "a"]] } == "label team unset -> a")
    }

    @Test("Secret values stay out of the label and are compared with the container's environment")
    func secrets() throws {
        let map = Self.changed("app") {
            $0["create_options"] = ["environment": ["MODE": "prod", "API_TOKEN": "t1"], "command": "sleep 300"]
        }
        var engine = Self.engine(after: try plan(.startup, ["__all__"], map: map, EngineSnapshot()).steps)
        let label = try #require(engine.containers["m.app.a"]?.labels[ContainerSpec.label])
        #expect(!label.contains("t1") && label.contains("API_TOKEN=(hidden)"))
        var none = ActionOptions()
        none.checkExecCommands = .none
        let first = try plan(.update, ["app.a"], map: map, engine, none)
        #expect(first.steps.isEmpty && first.planner.detailsWanted[ContainerMap.defaultClientName] == ["m.app.a"])
        engine.containers["m.app.a"]?.details = ["Config": ["Env": ["MODE=prod", "API_TOKEN=t1", "PATH=/bin"]]]
        #expect(try plan(.update, ["app.a"], map: map, engine, none).steps.isEmpty)
        let rotated = Self.changed("app") {
            $0["create_options"] = ["environment": ["MODE": "prod", "API_TOKEN": "t2"], "command": "sleep 300"]
        }
        let steps = try plan(.update, ["app.a"], map: rotated, engine, none).steps
        #expect(steps.first?.reason == "env API_TOKEN changed")
        #expect(!steps.map(\.reason).joined().contains("t2"))
    }

    @Test("A new image id under the configured tag recreates; a persistent container only with update_persistent")
    func image() throws {
        var engine = try startedEngine()
        engine.images["busybox:latest"] = "sha256:new"
        let steps = try plan(.update, ["app.a"], engine).steps
        #expect(steps.first?.reason == "image changed")
        #expect(lines(steps).prefix(3) == ["stop m.app.a", "remove m.app.a", "create m.app.a"])
        // db is persistent: kept, with a warning.
        let kept = try plan(.update, ["db"], engine)
        #expect(kept.steps.isEmpty)
        #expect(kept.planner.warnings.count == 1 && kept.planner.warnings[0].contains("m.db"))
        var options = ActionOptions()
        options.updatePersistent = true
        #expect(lines(try plan(.update, ["db"], engine, options).steps).prefix(2) == ["stop m.db", "remove m.db"])
    }

    @Test("Limits change in place; a limit the map dropped recreates, unless skip_limit_reset")
    func limits() throws {
        let engine = Self.withDetails(try startedEngine(), ["m.web": ["Memory": 67108864, "MemorySwap": 134217728]])
        let bigger = Self.changed("web") { $0["host_config"] = ["mem_limit": "128m"] }
        let steps = try plan(.update, ["web"], map: bigger, engine).steps.filter { $0.name == "m.web" }
        #expect(lines(steps) == ["update m.web"])
        #expect(steps[0].reason == "memory 64m -> 128m (in place); memory swap 128m -> 256m (in place)")
        guard case .updateContainer(_, let body) = steps[0].work else { Issue.record("no update"); return }
        #expect(body == ["Memory": 134217728, "MemorySwap": 268435456])

        let dropped = Self.changed("web") { $0["host_config"] = nil }
        let reset = try plan(.update, ["web"], map: dropped, engine).steps.filter { $0.name == "m.web" }
        #expect(lines(reset).prefix(3) == ["stop m.web", "remove m.web", "create m.web"])
        #expect(reset[0].reason.contains("memory 64m set, no longer configured"))
        var options = ActionOptions()
        options.skipLimitReset = true
        let skipped = try plan(.update, ["web"], map: dropped, engine, options)
        #expect(skipped.steps.filter { $0.name == "m.web" }.isEmpty)
        #expect(skipped.planner.warnings.contains { $0.contains("skip_limit_reset") })
    }

    @Test("A restart policy change is made in place")
    func restartPolicy() throws {
        let engine = Self.withDetails(try startedEngine(), ["m.web": ["Memory": 67108864, "MemorySwap": 134217728,
                                                                      "RestartPolicy": ["Name": "no", "MaximumRetryCount": 0]]])
        let map = Self.changed("web") { $0["host_config"] = ["mem_limit": "64m", "restart_policy": ["Name": "always"]] }
        let steps = try plan(.update, ["web"], map: map, engine).steps.filter { $0.name == "m.web" }
        #expect(lines(steps) == ["update m.web"])
        #expect(steps[0].reason == "restart policy no -> always (in place)")
    }

    @Test("Missing endpoints are joined, extra networks left, a recorded endpoint that differs is checked live")
    func endpoints() throws {
        var engine = try startedEngine()
        engine.containers["m.app.a"]?.networks = []
        engine.containers["m.app.b"]?.networks = ["m.back", "other"]
        let steps = try plan(.update, ["app"], engine).steps.filter { $0.action != .exec }
        #expect(lines(steps) == ["connect m.app.a", "disconnect m.app.b"])
        #expect(steps.map(\.reason) == ["network m.back endpoint missing", "network other not in the map"])

        // db's alias changes in the map: the engine is asked, and a missing alias means joining again.
        let map = Self.changed("db") { $0["networks"] = [["back", ["aliases": ["store", "cache"]]]] }
        let first = try plan(.update, ["db"], map: map, try startedEngine())
        #expect(first.steps.isEmpty && first.planner.detailsWanted[ContainerMap.defaultClientName] == ["m.db"])
        var detailed = try startedEngine()
        detailed.containers["m.db"]?.details = ["NetworkSettings": ["Networks": ["m.back": ["Aliases": ["store", "abc123"]]]]]
        let again = try plan(.update, ["db"], map: map, detailed).steps
        #expect(lines(again) == ["disconnect m.db", "connect m.db"])
        #expect(again[0].reason == "network m.back endpoint: alias cache missing")
    }

    @Test("A stopped container is started (restart-policy commands only); a finished job and a stopped persistent one stay")
    func stopped() throws {
        var engine = try startedEngine()
        engine.containers["m.app.a"]?.state = "exited"
        engine.containers["m.app.a"]?.exitCode = 0
        engine.containers["m.db"]?.state = "exited"
        engine.containers["m.db"]?.exitCode = 0
        let steps = try plan(.update, ["app.a"], engine).steps
        #expect(lines(steps) == ["start m.app.a", "exec m.app.a"])
        guard case .exec(_, let commands) = steps[1].work else { Issue.record("no exec"); return }
        #expect(commands.count == 1)

        let job = Self.changed("app") { $0["wait"] = "exited" }
        var finished = Self.engine(after: try plan(.startup, ["__all__"], map: job, EngineSnapshot()).steps)
        finished.containers["m.app.a"]?.state = "exited"
        finished.containers["m.app.a"]?.exitCode = 0
        #expect(try plan(.update, ["app.a"], map: job, finished).steps.filter { $0.name == "m.app.a" }.isEmpty)
    }

    @Test("A non-recoverable exit code, a dead container or force_update recreates")
    func resets() throws {
        var engine = try startedEngine()
        engine.containers["m.app.a"]?.state = "exited"
        engine.containers["m.app.a"]?.exitCode = -127
        let steps = try plan(.update, ["app.a"], engine).steps
        #expect(lines(steps).prefix(2) == ["remove m.app.a", "create m.app.a"])
        #expect(steps[0].reason == "exited with code -127 (non-recoverable)")

        var dead = try startedEngine()
        dead.containers["m.app.a"]?.state = "dead"
        #expect(try plan(.update, ["app.a"], dead).steps.first?.reason == "dead")

        var options = ActionOptions()
        options.forceUpdate = [MapItem(.container, map: "m", config: "app", instance: "b")]
        let forced = try plan(.update, ["app"], try startedEngine(), options).steps.filter { $0.action != .exec }
        #expect(lines(forced) == ["stop m.app.b", "remove m.app.b", "create m.app.b", "start m.app.b"])
        #expect(forced[0].reason == "force_update")
    }

    @Test("Exec commands: only the restart-policy ones no process runs, as full or partial command lines")
    func execCommands() throws {
        var engine = try startedEngine()
        engine.containers["m.app.a"]?.processes = ["Titles": ["PID", "UID", "USER", "COMMAND"],
                                                   "Processes": [["1", "0", "root", "sleep 300"]]]
        engine.containers["m.app.b"]?.processes = ["Titles": ["PID", "UID", "USER", "COMMAND"],
                                                   "Processes": [["7", "0", "root", "/bin/sh serve --watch --verbose"]]]
        let steps = try plan(.update, ["app"], engine).steps
        #expect(lines(steps) == ["exec m.app.a", "exec m.app.b"])
        #expect(steps[0].reason == "not running: serve --watch")
        guard case .exec(_, let commands) = steps[0].work else { Issue.record("no exec"); return }
        #expect(commands.count == 1)
        var partial = ActionOptions()
        partial.checkExecCommands = .partial
        #expect(lines(try plan(.update, ["app"], engine, partial).steps) == ["exec m.app.a"])
        var none = ActionOptions()
        none.checkExecCommands = .none
        #expect(try plan(.update, ["app"], try startedEngine(), none).steps.isEmpty)
    }

    @Test("A network whose options changed is made again; the map's containers join it again, without a restart")
    func network() throws {
        let engine = try startedEngine()
        let map = Self.setting(Self.map, "networks") { _ in ["back": ["internal": true]] }
        let steps = try plan(.update, ["app.a"], map: map, engine).steps.filter { $0.action != .exec }
        #expect(lines(steps) == [
            "disconnect m.app.a", "disconnect m.app.b", "disconnect m.db", "disconnect m.web", "remove m.back",
            "create m.back", "connect m.app.b", "connect m.web", "connect m.db", "connect m.app.a",
        ])
        #expect(steps[4].reason == "internal false -> true")
        // app.b and web are not on the path of app.a: they join again as they were; db and app.a when planned.
        #expect(steps[6...].allSatisfy { $0.reason == "network m.back made again" })
    }

    @Test("A volume whose options changed is made again with its containers, only when they are all updated too")
    func volume() throws {
        let engine = try startedEngine()
        let map = Self.setting(Self.map, "volumes") { _ in
            ["data": ["default_path": "/data", "driver_options": ["type": "tmpfs", "device": "tmpfs"]]]
        }
        let steps = try plan(.update, ["db"], map: map, engine).steps
        try #require(lines(steps) == ["stop m.db", "remove m.db", "remove m.data", "create m.data", "create m.db", "start m.db"])
        #expect(steps[4].reason == "volume m.data made again")
        // Another container mounting it that the update does not cover stops the plan, before anything is done.
        var used = engine
        used.containers["m.app.a"]?.volumes = ["m.data"]
        #expect(throws: DMapError.self) { try plan(.update, ["db"], map: map, used) }
    }

    @Test("A container sharing a recreated container's network stack is recreated after it")
    func networkModeCascade() throws {
        let map: InputValue = [
            "main": ["image": "busybox:latest", "create_options": ["environment": ["A": "1"]]],
            "side": ["image": "busybox:latest", "network_mode": "main"],
        ]
        let engine = Self.engine(after: try plan(.startup, ["__all__"], map: map, EngineSnapshot()).steps)
        #expect(try plan(.update, ["__all__"], map: map, engine).steps.isEmpty)
        let changed: InputValue = [
            "main": ["image": "busybox:latest", "create_options": ["environment": ["A": "2"]]],
            "side": ["image": "busybox:latest", "network_mode": "main"],
        ]
        let steps = try plan(.update, ["__all__"], map: changed, engine).steps
        #expect(lines(steps).filter { $0.hasPrefix("create") } == ["create m.main", "create m.side"])
        #expect(steps.first { $0.name == "m.side" }?.reason == "network mode: container m.main made again")
    }

    @Test("The spec label holds the request without the label itself, its limits and endpoints apart")
    func specLabel() throws {
        let m = try ContainerMap.parse(name: "m", Self.map)
        let request = try ContainerCreateRequest.build(map: m, config: "web", instance: nil, client: ClientSettings())
        let labelled = request.withSpecLabel()
        let text = labelled.body["Labels"]?[ContainerSpec.label]?.stringValue
        let spec = try #require(text.flatMap(ContainerSpec.init(labelText:)))
        #expect(spec.limits["Memory"]?.intValue == 67108864)
        #expect(spec.create["HostConfig"]?["Memory"] == nil && spec.create["Labels"]?[ContainerSpec.label] == nil)
        #expect(Set(spec.endpoints.keys) == ["m.back"])
        #expect(ContainerSpec(labelText: "{\"v\":99,\"create\":{}}") == nil)
    }

    @Test("Limit comparison: zero means unset, swap follows memory, sizes read as Docker writes them")
    func limitCheck() {
        let same = LimitCheck(wanted: ["Memory": 268435456], actual: ["Memory": 268435456, "MemorySwap": 536870912, "CpuShares": 0])
        #expect(same.update.isEmpty && same.resets.isEmpty)
        let cpu = LimitCheck(wanted: ["CpuShares": 512], actual: ["CpuShares": 0])
        #expect(cpu.update == ["CpuShares": 512] && cpu.reasons == ["cpu shares unset -> 512 (in place)"])
        let noSwapAccounting = LimitCheck(wanted: ["Memory": 1073741824], actual: ["Memory": 536870912, "MemorySwap": 0])
        #expect(noSwapAccounting.update == ["Memory": 1073741824])
        #expect(LimitCheck.bytes(1536 * 1024) == "1536k" && LimitCheck.bytes(3 << 30) == "3g" && LimitCheck.bytes(1000) == "1000b")
    }

    @Test("Exec check reads the user by name or id, and the command line exactly or as a part")
    func execCheck() {
        let top: Value = ["Titles": ["PID", "UID", "USER", "COMMAND"],
                          "Processes": [["1", "1000", "app", "worker --queue a"], ["2", "0", "root", "sleep 1"]]]
        let commands: [Value] = [["Cmd": ["worker", "--queue", "a"], "User": "app"], ["Cmd": ["worker", "--queue", "a"], "User": "1000"],
                                 ["Cmd": ["worker", "--queue", "a"], "User": "root"], ["Cmd": ["worker"]]]
        #expect(ExecCheck.missing(commands, top: top, mode: .full) == [2, 3])
        #expect(ExecCheck.missing(commands, top: top, mode: .partial) == [])
    }
}

/// `mc:update`'s options from Lua: a wrong one is a `usage` (or `not_found`) error naming the option, raised before
/// any engine is asked (the runtime's engine here is a socket nobody listens on).
@Suite("Actions: update options from Lua")
struct UpdateOptionTests {
    @Test("Wrong update options fail naming the option, before the engine is asked")
    func badOptions() throws {
        let reports = Reports()
        try makeRuntime(reports: reports).run(string: """
            local mc = dmap.mapping_client(dmap.map("m", { app = { image = "busybox:latest" } }))
            for _, o in ipairs{ { force_update = 5 }, { force_update = "nosuch" }, { nonrecoverable_exit_codes = "x" },
                                { check_exec_commands = "bogus" }, { pull_before_update = "yes" }, {} } do
              local ok, e = pcall(mc.update, mc, "app", o)
              report(ok, e.kind, e.message)
            end
            """)
        let out = reports.all.map { $0.compactMap(\.stringValue) }
        #expect(out.map { $0.first ?? "" } == ["usage", "not_found", "usage", "usage", "usage", "connection"])
        #expect(out[0].last == "option 'force_update' must be true, a container name or a list of them")
        #expect(out[1].last == "option 'force_update': map 'm' has no container or group 'nosuch'")
        #expect(out[2].last == "option 'nonrecoverable_exit_codes' must be a list of exit codes")
        #expect(out[3].last?.hasPrefix("option 'check_exec_commands' must be") == true)
        #expect(out[4].last == "option 'pull_before_update' must be a boolean, got string")
    }
}
