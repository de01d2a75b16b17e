import OrderedCollections

/// Turns an action on targets into steps, from the maps and one snapshot per client: "what is there" against
/// "what the map asks for". Planning resolves the map's functions, so it runs where they can be called (the Lua
/// thread); it sends nothing to an engine.
public struct Planner {
    public let maps: OrderedDictionary<String, ContainerMap>
    /// Settings of every client a map may name (`__default__` included).
    public let clients: [String: ClientSettings]
    public let snapshots: [String: EngineSnapshot]
    public let options: ActionOptions

    var graphs: [String: DependencyGraph] = [:]
    var steps: [PlanStep] = []
    /// The last step planned for an item on a client, which later steps of items that need it come after.
    var last: [ClientItem: Int] = [:]
    /// Where the core image (for volume preparation) is pulled on a client that lacks it.
    var corePull: [String: Int] = [:]
    /// What `update` found out while planning, and what it needs read before it can decide (see `UpdatePlanning`).
    var update = UpdatePlanning()

    /// Containers `update` needs inspected (client → names) before it can compare limits or endpoints; the caller
    /// reads them (`EngineSnapshot.observeDetails`) and plans again.
    public var detailsWanted: [String: Set<String>] { update.inspect }
    /// Running containers whose processes `update` needs (`top`) to find exec commands that are not running.
    public var processesWanted: [String: Set<String>] { update.top }
    /// What `update` leaves alone though it differs (persistent containers, limits kept with `skip_limit_reset`).
    public var warnings: [String] { update.warnings }

    struct ClientItem: Hashable {
        var client: String
        var item: MapItem
    }

    public init(
        maps: OrderedDictionary<String, ContainerMap>, clients: [String: ClientSettings],
        snapshots: [String: EngineSnapshot], options: ActionOptions
    ) {
        self.maps = maps
        self.clients = clients
        self.snapshots = snapshots
        self.options = options
        for (name, map) in maps { graphs[name] = DependencyGraph(map) }
    }

    /// The clients a map runs on: its `clients`, or the default client.
    public static func clientNames(of map: ContainerMap) -> [String] {
        map.clients.isEmpty ? [ContainerMap.defaultClientName] : map.clients
    }

    /// The steps of `action` on `targets`, in order.
    public mutating func plan(_ action: ActionKind, _ targets: [ActionTarget]) throws -> [PlanStep] {
        steps = []
        last = [:]
        corePull = [:]
        update = UpdatePlanning()
        if action == .update { try collectPathContainers(targets) }
        for (map, items) in try path(action, targets) {
            let graph = graphs[map.name]!
            for item in items {
                for client in Self.clientNames(of: map) {
                    try planCorePull(action, item, map, client)
                    let first = steps.count
                    try planItem(action, item, map, graph, client, isTarget: targets.contains { $0.item == item })
                    guard steps.count > first else { continue }
                    // The item's first step waits for what it depends on (or, walking dependents, for its
                    // dependents); the item's own steps follow one another.
                    let needs = try ordering(action, item, graph)
                    steps[first].after += needs.compactMap { last[ClientItem(client: client, item: $0)] }
                    for i in (first + 1)..<max(first + 1, steps.count) { steps[i].after.insert(i - 1, at: 0) }
                    last[ClientItem(client: client, item: item)] = steps.count - 1
                }
            }
        }
        if options.removeAttached, [.remove, .shutdown].contains(action) { try planAttachedRemovals() }
        return steps
    }

    /// With `remove_attached`: each attached volume of a container this plan removes, once no container that stays
    /// mounts it, after the removals of those that do.
    private mutating func planAttachedRemovals() throws {
        var removed: [String: [String: Int]] = [:]  // client → container name → its remove step
        for (i, step) in steps.enumerated() where step.kind == .container && step.action == .remove {
            removed[step.client, default: [:]][step.name] = i
        }
        var planned = Set<String>()
        for (i, step) in steps.enumerated() where step.kind == .container && step.action == .remove {
            guard let map = maps[step.map], let config = graphs[step.map]?.configs[step.config],
                let snapshot = snapshots[step.client]
            else { continue }
            for volume in config.attaches {
                let name = map.volumeName(volume.name, parent: step.config)
                guard snapshot.volumes.contains(name), planned.insert("\(step.client) \(name)").inserted else { continue }
                let users = snapshot.containers.values.filter { $0.volumes.contains(name) }.map(\.name)
                let gone = removed[step.client] ?? [:]
                guard users.allSatisfy({ gone[$0] != nil }) else { continue }
                var removal = PlanStep(
                    client: step.client, item: MapItem(.volume, map: step.map, config: step.config, instance: volume.name),
                    name: name, action: .remove, reason: "remove_attached", work: .removeVolume(volume: name))
                removal.after = [i] + users.compactMap { gone[$0] }.filter { $0 != i }
                steps.append(removal)
            }
        }
    }

    /// Before the first attached volume that will be prepared on a client, a pull of the core image if the client
    /// lacks it (and no other step pulls it already).
    private mutating func planCorePull(_ action: ActionKind, _ item: MapItem, _ map: ContainerMap, _ client: String) throws {
        guard item.kind == .volume, [.create, .startup, .update].contains(action), corePull[client] == nil,
            let snapshot = snapshots[client], !snapshot.volumes.contains(graphs[map.name]!.dockerName(item)),
            !snapshot.hasImage(options.coreImage),
            try preparation(map, parent: item.config, alias: item.instance ?? "", map.volumes[item.instance ?? ""] ?? VolumeConfig()) != nil
        else { return }
        let (repo, tag) = try map.imageReference(options.coreImage)
        let image = MapItem(.image, map: map.name, config: repo, instance: tag)
        steps.append(PlanStep(client: client, item: image, name: options.coreImage, action: .pull,
                              reason: "image missing (for volume preparation)", work: .pull(image: options.coreImage)))
        corePull[client] = steps.count - 1
        last[ClientItem(client: client, item: image)] = steps.count - 1
    }

    /// The items the action visits, per map, in Docker-Map's order: each target's dependency path (or dependents
    /// path) and the target itself, shared items once.
    func path(_ action: ActionKind, _ targets: [ActionTarget]) throws -> [(ContainerMap, [MapItem])] {
        var perMap: OrderedDictionary<String, OrderedSet<MapItem>> = [:]
        for target in targets {
            guard let map = maps[target.map], let graph = graphs[target.map] else { continue }
            var items = perMap[map.name] ?? []
            switch action.traversal {
            case .dependencies:
                items.append(contentsOf: try graph.resolved(target.config, withImages: true))
                if action == .pullImages {
                    items.append(contentsOf: try graph.direct(target.config, withImage: true).filter { $0.kind == .image })
                }
            case .dependents:
                items.append(contentsOf: graph.dependents(of: target.item))
            case .single:
                break
            }
            items.append(target.item)
            perMap[map.name] = items
        }
        return perMap.map { (maps[$0.key]!, Array($0.value)) }
    }

    /// What an item's steps wait for: its dependencies, or (walking dependents) its dependents.
    func ordering(_ action: ActionKind, _ item: MapItem, _ graph: DependencyGraph) throws -> [MapItem] {
        guard item.kind == .container else { return [] }
        switch action.traversal {
        case .dependencies: return try graph.resolved(item.config, withImages: true)
        case .dependents: return graph.dependents(of: item)
        case .single: return []
        }
    }

    // MARK: Items

    private mutating func planItem(
        _ action: ActionKind, _ item: MapItem, _ map: ContainerMap, _ graph: DependencyGraph, _ client: String,
        isTarget: Bool
    ) throws {
        if action == .update { return try planUpdate(item, map, graph, client) }
        let snapshot = snapshots[client] ?? EngineSnapshot()
        let name = graph.dockerName(item)
        func add(_ a: PlanStep.Action, _ reason: String, _ work: StepWork) {
            steps.append(PlanStep(client: client, item: item, name: name, action: a, reason: reason, work: work))
        }
        switch item.kind {
        case .image:
            guard last[ClientItem(client: client, item: item)] == nil else { return }
            let present = snapshot.hasImage(name)
            switch action {
            case .create, .startup:
                if !present { add(.pull, "image missing", .pull(image: name)) }
            case .pullImages:
                if !present { add(.pull, "image missing", .pull(image: name)) }
                else if options.pullAllImages { add(.pull, "pull_all_images", .pull(image: name)) }
            default: break
            }
        case .network:
            guard [.create, .startup].contains(action), snapshot.networks[name] == nil else { return }
            add(.create, "absent", .createNetwork(body: try NetworkCreateRequest.build(map: map, network: item.config).body))
        case .volume:
            guard [.create, .startup].contains(action), !snapshot.volumes.contains(name) else { return }
            try planVolumeCreate(item, map, client, name, reason: "absent")
        case .container:
            try planContainer(action, item, map, graph, client, snapshot.containers[name], name, isTarget: isTarget)
        }
    }

    /// Creates an attached volume and, when it has an owner or mode, prepares it.
    mutating func planVolumeCreate(_ item: MapItem, _ map: ContainerMap, _ client: String, _ name: String, reason: String) throws {
        let alias = item.instance ?? ""
        let volume = map.volumes[alias] ?? VolumeConfig()
        add(client, item, name, .create, reason,
            .createVolume(body: try VolumeCreateRequest.build(map: map, parent: item.config, alias: alias).body))
        if let script = try preparation(map, parent: item.config, alias: alias, volume) {
            add(client, item, name, .prepare, "owner and mode",
                .prepareVolume(volume: name, script: script, image: options.coreImage, timeout: clients[client]?.waitTimeout))
            // The preparation runs in the core image, pulled once per client (before this item) if missing.
            if let pull = corePull[client] { steps[steps.count - 1].after.append(pull) }
        }
    }

    private mutating func planContainer(
        _ action: ActionKind, _ item: MapItem, _ map: ContainerMap, _ graph: DependencyGraph, _ client: String,
        _ existing: EngineSnapshot.Container?, _ name: String, isTarget: Bool
    ) throws {
        guard let config = graph.configs[item.config] else { return }
        let settings = clients[client] ?? ClientSettings(name: client)
        let persistentKept = (config.persistent ?? false) && !options.removePersistent
        let stopTimeout = config.stopTimeout ?? settings.stopTimeout
        switch (action, existing) {
        case (.create, nil), (.startup, nil):
            let request = try ContainerCreateRequest.build(
                map: map, config: item.config, instance: item.instance, client: settings, graph: graph)
            appendCreate(item, client, name, request, reason: "absent")
            if action == .startup { try appendStart(item, map, config, client, name, initial: true, reason: "created") }
        case (.start, let c?) where !c.isRunning, (.startup, let c?) where !c.isRunning:
            try appendStart(item, map, config, client, name, initial: c.isInitial,
                            reason: c.isInitial ? "created, never started" : "stopped")
        case (.restart, let c?) where !c.isInitial:
            if c.isRunning { add(client, item, name, .stop, "restart", .stop(container: name, timeout: stopTimeout)) }
            // Exec commands again only when asked.
            try appendStart(item, map, config, client, name, initial: false, reason: "restart",
                            runExec: options.restartExecCommands, execReason: "restart_exec_commands")
        case (.stop, let c?) where c.isRunning:
            add(client, item, name, .stop, "running", .stop(container: name, timeout: stopTimeout))
        case (.remove, let c?) where !c.isRunning && !persistentKept:
            add(client, item, name, .remove, c.isInitial ? "created" : "stopped", .removeContainer(container: name))
        case (.shutdown, let c?) where !persistentKept:
            if c.isRunning { add(client, item, name, .stop, "shutdown", .stop(container: name, timeout: stopTimeout)) }
            add(client, item, name, .remove, "shutdown", .removeContainer(container: name))
        case (.kill, let c?) where c.isRunning:
            add(client, item, name, .kill, "running", .kill(container: name, signal: options.signal))
        default:
            break
        }
    }

    // MARK: Steps

    /// Appends one step.
    mutating func add(_ client: String, _ item: MapItem, _ name: String, _ action: PlanStep.Action, _ reason: String,
                      _ work: StepWork) {
        steps.append(PlanStep(client: client, item: item, name: name, action: action, reason: reason, work: work))
    }

    /// The create request's steps: create (with the `dmap.spec` record), then joining its other networks.
    mutating func appendCreate(
        _ item: MapItem, _ client: String, _ name: String, _ request: ContainerCreateRequest, reason: String
    ) {
        add(client, item, name, .create, reason, .createContainer(name: name, body: request.withSpecLabel().body))
        for connect in request.connects {
            add(client, item, name, .connect, "network \(connect.network)",
                .connect(container: name, network: connect.network, body: connect.body))
        }
    }

    /// Start, the wait for the state the map names, and (unless `runExec` is false) the exec commands: all of them
    /// after a create (`initial`), the `restart` ones after a start.
    mutating func appendStart(
        _ item: MapItem, _ map: ContainerMap, _ config: ContainerConfig, _ client: String, _ name: String,
        initial: Bool, reason: String, runExec: Bool = true, execReason: String? = nil
    ) throws {
        add(client, item, name, .start, reason, .start(container: name, delay: config.startDelay))
        if let wait = config.wait {
            add(client, item, name, .wait, wait.state.rawValue,
                .wait(container: name, state: wait.state, timeout: wait.timeout ?? 60))
        }
        guard runExec else { return }
        let commands = config.execCommands.filter { initial || $0.policy == .restart }
        if !commands.isEmpty {
            let bodies = try commands.map { try ExecRequest.build(map: map, config: item.config, command: $0).body }
            let why = execReason ?? (initial ? "started for the first time" : "started")
            add(client, item, name, .exec, why, .exec(container: name, commands: bodies))
        }
    }

    /// The shell commands that give an attached volume its owner and mode: the volume's `user` and
    /// `permissions`, else those of the container that attaches it. `nil` when neither is set.
    func preparation(_ map: ContainerMap, parent: String, alias: String, _ volume: VolumeConfig) throws -> String? {
        let container = map.extended(parent)
        let user = try (volume.user ?? container?.user).map(Self.userGroup)
        let permissions = try (volume.permissions ?? container?.permissions).map(ContainerMap.resolveText)
        var commands: [String] = []
        if let user { commands.append("chown -R \(Self.quote(user)) /volume-tmp") }
        if let permissions { commands.append("chmod -R \(Self.quote(permissions)) /volume-tmp") }
        return commands.isEmpty ? nil : commands.joined(separator: " && ")
    }

    /// Docker-Map's `get_user_group`: a uid `1000` → `1000:1000`, `app` → `app:app`, `{u, g}` → `u:g`,
    /// `u:g` as it is.
    static func userGroup(_ value: InputValue) throws -> String {
        let resolved = try ContainerMap.resolve(value)
        if case .list(let pair) = resolved, pair.count == 2 {
            return "\(try ContainerMap.resolveText(pair[0])):\(try ContainerMap.resolveText(pair[1]))"
        }
        let text = try ContainerMap.resolveText(resolved)
        return text.contains(":") ? text : "\(text):\(text)"
    }

    /// A word for `sh -c`, quoted when it holds anything but safe characters.
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "=,.:_-+/".contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
