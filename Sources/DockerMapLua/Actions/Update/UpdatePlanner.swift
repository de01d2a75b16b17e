/// What `update` learns while it plans, item by item (dependencies first, so a dependency's fate is known when its
/// dependents are planned).
struct UpdatePlanning {
    /// `client name` of containers made again (or anew) by this plan.
    var recreated: Set<String> = []
    /// `client name` of networks made again by this plan.
    var recreatedNetworks: Set<String> = []
    /// `client name` of containers removed because a volume they mount is made again.
    var removedForVolume: [String: String] = [:]
    /// Containers on this plan's path, per client (a volume is made again only when every user is among them).
    var pathContainers: [String: Set<String>] = [:]
    var inspect: [String: Set<String>] = [:]
    var top: [String: Set<String>] = [:]
    var warnings: [String] = []
}

extension Planner {
    func key(_ client: String, _ name: String) -> String { "\(client) \(name)" }

    mutating func collectPathContainers(_ targets: [ActionTarget]) throws {
        for (map, items) in try path(.update, targets) {
            for item in items where item.kind == .container {
                for client in Self.clientNames(of: map) {
                    update.pathContainers[client, default: []].insert(graphs[map.name]!.dockerName(item))
                }
            }
        }
    }

    /// `update` of one item: the least work that makes the engine match the map (Docker-Map's update state and
    /// action generators, with the map's own record of each container in place of most live comparisons).
    mutating func planUpdate(_ item: MapItem, _ map: ContainerMap, _ graph: DependencyGraph, _ client: String) throws {
        let snapshot = snapshots[client] ?? EngineSnapshot()
        let name = graph.dockerName(item)
        switch item.kind {
        case .image:
            guard last[ClientItem(client: client, item: item)] == nil else { return }
            if !snapshot.hasImage(name) { add(client, item, name, .pull, "image missing", .pull(image: name)) }
            else if options.pullBeforeUpdate { add(client, item, name, .pull, "pull_before_update", .pull(image: name)) }
        case .network:
            try updateNetwork(item, map, client, name, snapshot)
        case .volume:
            try updateVolume(item, map, client, name, snapshot)
        case .container:
            try updateContainer(item, map, graph, client, name, snapshot)
        }
    }

    /// The map item of a container on the engine, from its labels (or its name, for one the map did not make).
    func containerItem(_ c: EngineSnapshot.Container, _ map: ContainerMap) -> MapItem {
        MapItem(.container, map: c.labels[ContainerCreateRequest.Label.map] ?? map.name,
                config: c.labels[ContainerCreateRequest.Label.config] ?? c.name,
                instance: c.labels[ContainerCreateRequest.Label.instance])
    }

    // MARK: Networks and volumes

    private mutating func updateNetwork(
        _ item: MapItem, _ map: ContainerMap, _ client: String, _ name: String, _ snapshot: EngineSnapshot
    ) throws {
        let body = try NetworkCreateRequest.build(map: map, network: item.config).body
        guard let network = snapshot.networks[name] else {
            return add(client, item, name, .create, "absent", .createNetwork(body: body))
        }
        var reasons: [String] = []
        let driver = body["Driver"]?.stringValue ?? "bridge"
        if network.driver != driver { reasons.append("driver \(network.driver) -> \(driver)") }
        for (key, value) in (body["Options"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where network.options[key] != value.stringValue {
            reasons.append("option \(key) \(network.options[key] ?? "unset") -> \(value.stringValue ?? "")")
        }
        let isInternal = body["Internal"]?.boolValue ?? false
        if network.isInternal != isInternal { reasons.append("internal \(network.isInternal) -> \(isInternal)") }
        guard !reasons.isEmpty else { return }
        let reason = reasons.joined(separator: "; ")
        // Everything connected leaves first; the map's containers join again when they are planned.
        let connected = snapshot.containers.values.filter { $0.networks.contains(name) }.sorted { $0.name < $1.name }
        for c in connected {
            add(client, containerItem(c, map), c.name, .disconnect, "network \(name) is made again (\(reason))",
                .disconnect(container: c.name, network: name))
        }
        add(client, item, name, .remove, reason, .removeNetwork(network: name))
        add(client, item, name, .create, reason, .createNetwork(body: body))
        update.recreatedNetworks.insert(key(client, name))
        // Containers this update does not cover join again as they were (their recorded endpoint, if any); the
        // others join when they are planned.
        for c in connected where !(update.pathContainers[client]?.contains(c.name) ?? false) {
            let endpoint = c.labels[ContainerSpec.label].flatMap(ContainerSpec.init(labelText:))?.endpoints[name] ?? .object([:])
            add(client, containerItem(c, map), c.name, .connect, "network \(name) made again",
                .connect(container: c.name, network: name, body: ["Container": .string(c.name), "EndpointConfig": endpoint]))
        }
    }

    private mutating func updateVolume(
        _ item: MapItem, _ map: ContainerMap, _ client: String, _ name: String, _ snapshot: EngineSnapshot
    ) throws {
        guard let volume = snapshot.volumeInfo[name] else {
            return try planVolumeCreate(item, map, client, name, reason: "absent")
        }
        let body = try VolumeCreateRequest.build(map: map, parent: item.config, alias: item.instance ?? "").body
        var reasons: [String] = []
        let driver = body["Driver"]?.stringValue ?? "local"
        if volume.driver != driver { reasons.append("driver \(volume.driver) -> \(driver)") }
        if volume.options != EngineSnapshot.strings(body["DriverOpts"]) { reasons.append("driver options changed") }
        guard !reasons.isEmpty else { return }
        let reason = reasons.joined(separator: "; ")
        // A volume in use cannot be removed: its containers go first, and come back when they are planned. Only
        // containers this update makes again may go.
        let users = snapshot.containers.values.filter { $0.volumes.contains(name) }.sorted { $0.name < $1.name }
        let outside = users.filter { !(update.pathContainers[client]?.contains($0.name) ?? false) }
        if !outside.isEmpty {
            throw DMapError(.usage, "update: volume \(name) on client \(client) must be made again (\(reason)), but "
                + outside.map(\.name).joined(separator: ", ") + " mount\(outside.count == 1 ? "s" : "") it and "
                + "\(outside.count == 1 ? "is" : "are") not part of this update; update \(outside.count == 1 ? "it" : "them") too",
                object: name, client: client)
        }
        for c in users {
            let settings = clients[client] ?? ClientSettings(name: client)
            let owner = containerItem(c, map)
            if c.isRunning {
                let timeout = graphs[owner.map]?.configs[owner.config]?.stopTimeout ?? settings.stopTimeout
                add(client, owner, c.name, .stop, "volume \(name) is made again", .stop(container: c.name, timeout: timeout))
            }
            add(client, owner, c.name, .remove, "volume \(name) is made again", .removeContainer(container: c.name))
            update.removedForVolume[key(client, c.name)] = name
        }
        add(client, item, name, .remove, reason, .removeVolume(volume: name))
        try planVolumeCreate(item, map, client, name, reason: reason)
    }
}
