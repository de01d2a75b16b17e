extension Planner {
    /// `update` of one container: made (again) when it is missing, when its image or anything fixed at create
    /// changed, when it exited with a non-recoverable code, or when `force_update` names it; otherwise its networks
    /// are joined or left, its limits changed in place, it is started if stopped, and its exec commands run if they
    /// are not running.
    mutating func updateContainer(
        _ item: MapItem, _ map: ContainerMap, _ graph: DependencyGraph, _ client: String, _ name: String,
        _ snapshot: EngineSnapshot
    ) throws {
        guard let config = graph.configs[item.config] else { return }
        let settings = clients[client] ?? ClientSettings(name: client)
        let request = try ContainerCreateRequest.build(
            map: map, config: item.config, instance: item.instance, client: settings, graph: graph)
        // A container whose label is this very text carries this very spec: nothing to decode (the label's JSON
        // decoding was most of a no-op update's time). Otherwise the spec goes through JSON and back, as the label
        // reads, so that numbers compare alike; and always when limits are compared with the engine's values.
        let fresh = ContainerSpec(request)
        let text = fresh.labelText
        let label = snapshot.containers[name]?.labels[ContainerSpec.label]
        let same = label == text
        let spec = same && fresh.limits.isEmpty ? fresh : ContainerSpec(labelText: text)!
        let persistent = config.persistent ?? false

        guard let c = snapshot.containers[name], update.removedForVolume[key(client, name)] == nil else {
            let reason = update.removedForVolume[key(client, name)].map { "volume \($0) made again" } ?? "absent"
            return try recreate(item, map, config, client, name, request, running: false, exists: false, reason)
        }
        let old = same ? spec : label.flatMap(ContainerSpec.init(labelText:))

        // What only a new container changes.
        var resets: [String] = []
        var forced = false
        if options.forceAll || options.forceUpdate.contains(item)
            || options.forceUpdate.contains(MapItem(.container, map: item.map, config: item.config))
        {
            resets.append("force_update")
            forced = true
        }
        if c.state == "dead" {
            // The engine could not remove or stop it cleanly; it cannot be started again.
            resets.append("dead")
            forced = true
        } else if !c.isRunning, !c.isInitial, let code = c.exitCode, options.nonrecoverableExitCodes.contains(code) {
            resets.append("exited with code \(code) (non-recoverable)")
            forced = true
        }
        var changes: [String] = []
        if resets.isEmpty {
            if let id = snapshot.imageID(request.image), id != c.imageID {
                if persistent && !options.updatePersistent {
                    update.warnings.append("\(name) on \(client): image \(request.image) changed; a persistent container "
                        + "is kept (update_persistent = true makes it again)")
                } else {
                    changes.append("image changed")
                }
            }
            if let old, old.create != spec.create {
                changes += SpecDiff.reasons(old: old.create, new: spec.create)
            }
            // Secret values are not in the label: they are compared with the container's environment.
            let secrets = ContainerSpec.secrets(request.body)
            if !secrets.isEmpty {
                if let details = c.details, details != .null {
                    let env = Dictionary((details["Config"]?["Env"]?.arrayValue ?? []).compactMap(\.stringValue)
                        .compactMap(ContainerSpec.variable), uniquingKeysWith: { _, last in last })
                    for (key, value) in secrets where env[key] != value { changes.append("env \(key) changed") }
                } else if c.details == nil {
                    update.inspect[client, default: []].insert(name)
                }
            }
            if case .container(let other, let instance)? = config.networkMode {
                let target = graph.dockerName(MapItem(.container, map: map.name, config: other, instance: instance))
                if update.recreated.contains(key(client, target)) {
                    changes.append("network mode: container \(target) made again")
                }
            }
        }

        // Limits: compared live, for a container whose limits are or were set (the label cannot follow an
        // in-place change).
        var limits: LimitCheck?
        if !spec.limits.isEmpty || !(old?.limits.isEmpty ?? true) {
            if let host = c.details?["HostConfig"]?.objectValue {
                let check = LimitCheck(wanted: spec.limits, actual: host)
                if !check.resets.isEmpty {
                    if options.skipLimitReset {
                        update.warnings.append("\(name) on \(client): " + check.resets.joined(separator: "; ")
                            + " (kept: skip_limit_reset)")
                    } else {
                        changes += check.resets
                    }
                }
                limits = check
            } else if c.details == nil {
                update.inspect[client, default: []].insert(name)
            }
        }

        if !changes.isEmpty, persistent, !options.updatePersistent, !forced {
            update.warnings.append("\(name) on \(client): " + changes.joined(separator: "; ")
                + "; a persistent container is kept (update_persistent = true makes it again)")
            changes = []
        }
        resets += changes
        if !resets.isEmpty {
            return try recreate(item, map, config, client, name, request, running: c.isRunning, exists: true,
                                resets.joined(separator: "; "))
        }

        // In place: networks, limits, start, exec commands.
        updateEndpoints(item, client, name, c, spec, old)
        if let limits, !limits.update.isEmpty {
            add(client, item, name, .update, limits.reasons.joined(separator: "; "),
                .updateContainer(container: name, body: .object(limits.update)))
        }
        if !c.isRunning {
            guard c.isInitial || !persistent else { return }
            // A job that ran to its end (wait = "exited") is done, not stopped.
            if config.wait?.state == .exited, !c.isInitial, c.exitCode == 0 { return }
            try appendStart(item, map, config, client, name, initial: c.isInitial,
                            reason: c.isInitial ? "created, never started" : "stopped")
            return
        }
        try execMissing(item, map, config, client, name, c)
    }

    /// Stops and removes the container (when there is one), then creates, connects and starts it as new.
    private mutating func recreate(
        _ item: MapItem, _ map: ContainerMap, _ config: ContainerConfig, _ client: String, _ name: String,
        _ request: ContainerCreateRequest, running: Bool, exists: Bool, _ reason: String
    ) throws {
        if exists {
            let settings = clients[client] ?? ClientSettings(name: client)
            if running {
                add(client, item, name, .stop, reason, .stop(container: name, timeout: config.stopTimeout ?? settings.stopTimeout))
            }
            add(client, item, name, .remove, reason, .removeContainer(container: name))
        }
        appendCreate(item, client, name, request, reason: reason)
        update.recreated.insert(key(client, name))
        try appendStart(item, map, config, client, name, initial: true, reason: exists || reason != "absent" ? reason : "created")
    }

    /// Joins the networks the container is missing, joins again where its endpoint differs, leaves the networks the
    /// map does not name. A container that joins no map network (default, host, none or another container's
    /// network) is left as it is: its network mode is fixed at create.
    private mutating func updateEndpoints(
        _ item: MapItem, _ client: String, _ name: String, _ c: EngineSnapshot.Container, _ spec: ContainerSpec,
        _ old: ContainerSpec?
    ) {
        guard !spec.endpoints.isEmpty else { return }
        let connected = Set(c.networks)
        for (network, endpoint) in spec.endpoints.sorted(by: { $0.key < $1.key }) {
            let body: Value = ["Container": .string(name), "EndpointConfig": endpoint]
            if update.recreatedNetworks.contains(key(client, network)) {
                add(client, item, name, .connect, "network \(network) made again",
                    .connect(container: name, network: network, body: body))
                continue
            }
            guard connected.contains(network) else {
                add(client, item, name, .connect, "network \(network) endpoint missing",
                    .connect(container: name, network: network, body: body))
                continue
            }
            // The label records the endpoint as it was joined; a different one is compared with the engine.
            if let old, old.endpoints[network] == endpoint { continue }
            if old == nil, EndpointCheck.isPlain(endpoint) { continue }
            guard let details = c.details else {
                update.inspect[client, default: []].insert(name)
                continue
            }
            guard let actual = details["NetworkSettings"]?["Networks"]?[network] else { continue }
            let differences = EndpointCheck.differences(wanted: endpoint, actual: actual)
            guard !differences.isEmpty else { continue }
            let reason = "network \(network) endpoint: " + differences.joined(separator: "; ")
            add(client, item, name, .disconnect, reason, .disconnect(container: name, network: network))
            add(client, item, name, .connect, reason, .connect(container: name, network: network, body: body))
        }
        for network in connected.subtracting(spec.endpoints.keys).sorted() {
            add(client, item, name, .disconnect, "network \(network) not in the map",
                .disconnect(container: name, network: network))
        }
    }

    /// The exec commands (restart policy) of a running container that no process runs.
    private mutating func execMissing(
        _ item: MapItem, _ map: ContainerMap, _ config: ContainerConfig, _ client: String, _ name: String,
        _ c: EngineSnapshot.Container
    ) throws {
        let commands = config.execCommands.filter { $0.policy == .restart }
        guard !commands.isEmpty, options.checkExecCommands != .none else { return }
        guard let top = c.processes else {
            update.top[client, default: []].insert(name)
            return
        }
        guard top != .null else { return }
        let bodies = try commands.map { try ExecRequest.build(map: map, config: item.config, command: $0).body }
        let missing = ExecCheck.missing(bodies, top: top, mode: options.checkExecCommands)
        guard !missing.isEmpty else { return }
        let lines = missing.map { (bodies[$0]["Cmd"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ") }
        add(client, item, name, .exec, "not running: " + lines.joined(separator: ", "),
            .exec(container: name, commands: missing.map { bodies[$0] }))
    }
}
