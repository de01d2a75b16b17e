import Foundation
import NIOConcurrencyHelpers
import OrderedCollections
import Testing
@testable import DockerMapLua

/// Planning against recorded snapshots: what each action would do, in what order, waiting for what.
@Suite("Actions: planning against snapshots")
struct PlannerTests {
    static let map: InputValue = [
        "volumes": ["data": ["default_path": "/data", "user": "app", "permissions": "u=rwX"]],
        "networks": ["back": [:]],
        "db": ["image": "busybox:latest", "attaches": "data", "networks": "back", "persistent": true],
        "app": ["image": "busybox:latest", "instances": ["a", "b"], "links": [["db", "database"]], "networks": "back",
                "exec_commands": ["init.sh", ["seed.sh", "root", "initial"]]],
        "web": ["image": "nginx:1", "links": ["app.a"]],
    ]

    func plan(_ action: ActionKind, _ targets: [String], snapshot: EngineSnapshot = EngineSnapshot(),
              options: ActionOptions = ActionOptions(), map: InputValue = PlannerTests.map) throws -> [PlanStep] {
        let m = try ContainerMap.parse(name: "m", map)
        let maps: OrderedDictionary<String, ContainerMap> = ["m": m]
        let resolved = try ActionTargets.resolve(targets, maps: maps, defaultMap: "m")
        var snapshots: [String: EngineSnapshot] = [:]
        for client in Planner.clientNames(of: m) { snapshots[client] = snapshot }
        var planner = Planner(maps: maps, clients: [:], snapshots: snapshots, options: options)
        return try planner.plan(action, resolved)
    }

    func lines(_ steps: [PlanStep]) -> [String] { steps.map { "\($0.action.rawValue) \($0.name)" } }

    func index(_ steps: [PlanStep], _ line: String) -> Int { lines(steps).firstIndex(of: line)! }

    static func snapshot(running: [String] = [], stopped: [String] = [], created: [String] = [], everything: Bool = false)
        -> EngineSnapshot
    {
        var s = EngineSnapshot()
        func add(_ name: String, _ state: String) {
            s.containers[name] = .init(id: "id-" + name, name: name, state: state, exitCode: state == "exited" ? 0 : nil,
                                       imageID: "sha256:x", labels: [:], networks: [])
        }
        running.forEach { add($0, "running") }
        stopped.forEach { add($0, "exited") }
        created.forEach { add($0, "created") }
        if everything {
            s.networks["m.back"] = .init(id: "n1", name: "m.back", driver: "bridge")
            s.volumes = ["m.data"]
            s.images = ["busybox:latest": "sha256:b", "nginx:1": "sha256:n"]
        }
        return s
    }

    @Test("startup on an empty engine: pull, network, volume (prepared), then each container after what it needs")
    func startupFromNothing() throws {
        let steps = try plan(.startup, ["web"])
        // Docker-Map's order of what a container needs: its networks, used and linked containers, its attached
        // volumes, its image. The volume's preparation needs busybox too, so it is pulled (once) before it.
        #expect(lines(steps) == [
            "create m.back", "pull busybox:latest", "create m.data", "prepare m.data", "create m.db", "start m.db",
            "create m.app.a", "start m.app.a", "exec m.app.a", "pull nginx:1", "create m.web", "start m.web",
        ])
        #expect(steps.map(\.reason).prefix(4) == ["absent", "image missing (for volume preparation)", "absent", "owner and mode"])
        #expect(steps[index(steps, "prepare m.data")].after.contains(1))
        #expect(steps[index(steps, "create m.db")].after.contains(1))
        // app.a waits for db's last step (its start); web waits for app.a's exec and its own image.
        let createApp = steps[index(steps, "create m.app.a")]
        #expect(createApp.after.contains(index(steps, "start m.db")))
        let createWeb = steps[index(steps, "create m.web")]
        #expect(createWeb.after.contains(index(steps, "exec m.app.a")) && createWeb.after.contains(index(steps, "pull nginx:1")))
        // The steps of one item follow one another.
        #expect(steps[index(steps, "start m.db")].after == [index(steps, "create m.db")])
        // Both exec commands run on the first start (the initial one only then).
        guard case .exec(_, let commands) = steps[index(steps, "exec m.app.a")].work else { Issue.record("no exec"); return }
        #expect(commands.count == 2)
    }

    @Test("startup of a running map plans nothing; of a stopped one, starts only (restart-policy commands)")
    func startupIdempotent() throws {
        let all = ["m.db", "m.app.a", "m.app.b", "m.web"]
        #expect(try plan(.startup, ["__all__"], snapshot: Self.snapshot(running: all, everything: true)).isEmpty)
        let steps = try plan(.startup, ["__all__"], snapshot: Self.snapshot(stopped: all, everything: true))
        #expect(lines(steps) == ["start m.db", "start m.app.a", "exec m.app.a", "start m.app.b", "exec m.app.b", "start m.web"])
        guard case .exec(_, let commands) = steps[2].work else { Issue.record("no exec"); return }
        #expect(commands.count == 1)
        #expect(steps[0].reason == "stopped")
    }

    @Test("create does not start; start does not create")
    func createAndStart() throws {
        let everything = Self.snapshot(everything: true)
        #expect(lines(try plan(.create, ["db"], snapshot: everything)) == ["create m.db"])
        #expect(try plan(.start, ["db"], snapshot: everything).isEmpty)
        let created = Self.snapshot(created: ["m.db"], everything: true)
        let steps = try plan(.start, ["db"], snapshot: created)
        #expect(lines(steps) == ["start m.db"] && steps[0].reason == "created, never started")
    }

    @Test("stop and shutdown walk dependents first; each container waits for its dependents")
    func dependentsFirst() throws {
        let all = ["m.db", "m.app.a", "m.app.b", "m.web"]
        let stop = try plan(.stop, ["db"], snapshot: Self.snapshot(running: all, everything: true))
        #expect(lines(stop) == ["stop m.web", "stop m.app.a", "stop m.app.b", "stop m.db"])
        #expect(Set(stop[3].after) == [0, 1, 2])
        #expect(stop[1].after == [0])
        let shutdown = try plan(.shutdown, ["db"], snapshot: Self.snapshot(running: all, everything: true))
        #expect(lines(shutdown) == ["stop m.web", "remove m.web", "stop m.app.a", "remove m.app.a", "stop m.app.b",
                                    "remove m.app.b", "stop m.db", "remove m.db"])
        var keep = ActionOptions()
        keep.removePersistent = false
        let kept = try plan(.shutdown, ["db"], snapshot: Self.snapshot(running: all, everything: true), options: keep)
        #expect(!lines(kept).contains { $0.hasSuffix("m.db") })
    }

    @Test("remove leaves running containers; restart and kill touch only the targets")
    func removeRestartKill() throws {
        let s = Self.snapshot(running: ["m.db", "m.web"], stopped: ["m.app.a", "m.app.b"], everything: true)
        #expect(lines(try plan(.remove, ["app"], snapshot: s)) == ["remove m.app.a", "remove m.app.b"])
        #expect(lines(try plan(.restart, ["db"], snapshot: s)) == ["stop m.db", "start m.db"])
        #expect(lines(try plan(.kill, ["__all__"], snapshot: s)) == ["kill m.db", "kill m.web"])
    }

    @Test("pull_images pulls every image on the path, or only missing ones")
    func pullImages() throws {
        let s = Self.snapshot(everything: true)
        #expect(lines(try plan(.pullImages, ["web"], snapshot: s)) == ["pull busybox:latest", "pull nginx:1"])
        var missing = ActionOptions()
        missing.pullAllImages = false
        #expect(try plan(.pullImages, ["web"], snapshot: s, options: missing).isEmpty)
    }

    @Test("a map on two clients: the same steps on each, waiting only within their client")
    func twoClients() throws {
        let twoHosts: InputValue = ["clients": ["one", "two"], "db": ["image": "busybox:latest"], "app": ["links": "db", "image": "busybox:latest"]]
        let steps = try plan(.startup, ["app"], snapshot: Self.snapshot(everything: true), map: twoHosts)
        #expect(steps.map { "\($0.client) \($0.action.rawValue) \($0.name)" } == [
            "one create m.db", "one start m.db", "two create m.db", "two start m.db",
            "one create m.app", "one start m.app", "two create m.app", "two start m.app",
        ])
        #expect(steps[4].after == [1] && steps[6].after == [3])
    }

    @Test("The executor keeps to the order the plan asks, within the bound, and reports in plan order")
    func executor() async throws {
        let steps = try plan(.startup, ["web"])
        let log = NIOLockedValueBox<(running: Int, peak: Int, finished: [Int])>((0, 0, []))
        let indexOf = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ("\($0.element.action.rawValue) \($0.element.name)", $0.offset) })
        let outcome = await StepExecutor(steps: steps, parallel: 2).run { step in
            let i = indexOf["\(step.action.rawValue) \(step.name)"]!
            log.withLockedValue { $0.running += 1; $0.peak = max($0.peak, $0.running) }
            try await Task.sleep(for: .milliseconds(5))
            log.withLockedValue { $0.running -= 1; $0.finished.append(i) }
            return .int(Int64(i))
        }
        #expect(outcome.failure == nil)
        #expect(outcome.done.map(\.index) == Array(steps.indices))
        let (_, peak, finished) = log.withLockedValue { $0 }
        #expect(peak <= 2)
        for (i, step) in steps.enumerated() {
            for j in step.after { #expect(finished.firstIndex(of: j)! < finished.firstIndex(of: i)!) }
        }
    }

    @Test("After a failure no further step starts, and the steps done are reported")
    func executorFailure() async throws {
        let steps = try plan(.startup, ["web"])
        let failing = steps.firstIndex { $0.action == .create && $0.name == "m.db" }!
        let outcome = await StepExecutor(steps: steps, parallel: 1).run { step in
            if step.name == "m.db" && step.action == .create { throw DMapError(.engine, "boom") }
            return .null
        }
        #expect(outcome.failure?.index == failing)
        #expect(outcome.done.map(\.index) == Array(0..<failing))
    }
}

@Suite("Actions: waiting for a container")
struct PlannerWaitTests {
    @Test("A container with wait gets a wait step after its start, which its dependents come after")
    func waitStep() throws {
        let map: InputValue = [
            "db": ["image": "busybox:latest", "wait": .dict([(key: .int(1), value: "healthy"), (key: "timeout", value: 30)])],
            "app": ["image": "busybox:latest", "links": "db"],
        ]
        let m = try ContainerMap.parse(name: "m", map)
        var s = EngineSnapshot()
        s.images = ["busybox:latest": "sha256:b"]
        var planner = Planner(maps: ["m": m], clients: [:], snapshots: ["__default__": s], options: ActionOptions())
        let steps = try planner.plan(.startup, try ActionTargets.resolve(["app"], maps: ["m": m], defaultMap: "m"))
        #expect(steps.map { "\($0.action.rawValue) \($0.name) \($0.reason)" } == [
            "create m.db absent", "start m.db created", "wait m.db healthy", "create m.app absent", "start m.app created",
        ])
        #expect(steps[3].after == [2])
        guard case .wait(_, let state, let timeout) = steps[2].work else { Issue.record("no wait"); return }
        #expect(state == .healthy && timeout == 30)
    }
}

@Suite("Actions: removing attached volumes")
struct PlannerRemoveAttachedTests {
    @Test("remove_attached removes a volume after every container that mounts it, and keeps one still in use")
    func removeAttached() throws {
        let map: InputValue = [
            "volumes": ["data": "/data", "logs": "/logs"],
            "db": ["image": "busybox:latest", "attaches": "data", "instances": ["a", "b"]],
            "log": ["image": "busybox:latest", "attaches": "logs"],
        ]
        let m = try ContainerMap.parse(name: "m", map)
        var s = EngineSnapshot()
        s.volumes = ["m.data", "m.logs"]
        for (name, volume) in [("m.db.a", "m.data"), ("m.db.b", "m.data"), ("m.log", "m.logs"), ("other", "m.logs")] {
            s.containers[name] = .init(id: name, name: name, state: "exited", exitCode: 0, imageID: "", labels: [:],
                                       networks: [], volumes: [volume])
        }
        var options = ActionOptions()
        options.removeAttached = true
        var planner = Planner(maps: ["m": m], clients: [:], snapshots: ["__default__": s], options: options)
        let steps = try planner.plan(.remove, try ActionTargets.resolve(["db", "log"], maps: ["m": m], defaultMap: "m"))
        #expect(steps.map { "\($0.action.rawValue) \($0.name)" } == ["remove m.db.a", "remove m.db.b", "remove m.log", "remove m.data"])
        #expect(Set(steps[3].after) == [0, 1])
        var keep = Planner(maps: ["m": m], clients: [:], snapshots: ["__default__": s], options: ActionOptions())
        #expect(try keep.plan(.remove, try ActionTargets.resolve(["db"], maps: ["m": m], defaultMap: "m")).count == 2)
    }
}
