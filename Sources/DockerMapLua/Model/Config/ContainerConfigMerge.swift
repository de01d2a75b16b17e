/// How configurations combine: Docker-Map's `merge_from_obj` (for `extends` and `m:merge`) and `update_from_dict`
/// (for `m:update`).
extension ContainerConfig {
    /// Merges `other` into this configuration: set scalars overwrite (unless `listsOnly`), plain lists are united,
    /// keyed lists (`binds`, `attaches`, `uses`, `exposes`, `networks`) replace by their first field, option tables are
    /// updated one level deep. `abstract` and `extends` are never merged.
    public mutating func merge(_ other: ContainerConfig, listsOnly: Bool = false) {
        instances = ListMerge.union(instances, other.instances)
        clients = ListMerge.union(clients, other.clients)
        shares = ListMerge.union(shares, other.shares)
        links = ListMerge.union(links, other.links)
        execCommands = ListMerge.union(execCommands, other.execCommands)
        binds = ListMerge.byKey(binds, other.binds)
        attaches = ListMerge.byKey(attaches, other.attaches)
        uses = ListMerge.byKey(uses, other.uses)
        exposes = ListMerge.byKey(exposes, other.exposes)
        networks = ListMerge.byKey(networks, other.networks)
        guard !listsOnly else { return }
        createOptions = Self.mergeOptions(createOptions, other.createOptions)
        hostConfig = Self.mergeOptions(hostConfig, other.hostConfig)
        if let v = other.image { image = v }
        if let v = other.user { user = v }
        if let v = other.permissions { permissions = v }
        if let v = other.stopTimeout { stopTimeout = v }
        if let v = other.stopSignal { stopSignal = v }
        if let v = other.startDelay { startDelay = v }
        if let v = other.networkMode { networkMode = v }
        if let v = other.healthcheck { healthcheck = v }
        if let v = other.persistent { persistent = v }
        if let v = other.wait { wait = v }
    }

    /// Replaces the properties named in `present` with those of `other` (Docker-Map's `update_from_dict`).
    public mutating func update(_ other: ContainerConfig, present: Set<String>) {
        for name in present {
            switch name {
            case "abstract": abstract = other.abstract
            case "extends": extends = other.extends
            case "image": image = other.image
            case "instances": instances = other.instances
            case "clients": clients = other.clients
            case "shares": shares = other.shares
            case "binds": binds = other.binds
            case "attaches": attaches = other.attaches
            case "uses": uses = other.uses
            case "links": links = other.links
            case "exposes": exposes = other.exposes
            case "user": user = other.user
            case "permissions": permissions = other.permissions
            case "stop_timeout": stopTimeout = other.stopTimeout
            case "stop_signal": stopSignal = other.stopSignal
            case "start_delay": startDelay = other.startDelay
            case "network_mode": networkMode = other.networkMode
            case "networks": networks = other.networks
            case "exec_commands": execCommands = other.execCommands
            case "healthcheck": healthcheck = other.healthcheck
            case "persistent": persistent = other.persistent
            case "create_options": createOptions = other.createOptions
            case "host_config": hostConfig = other.hostConfig
            case "wait": wait = other.wait
            default: break
            }
        }
    }

    /// One level of `dict.update`; a function on either side is replaced as a whole by the incoming value.
    static func mergeOptions(_ current: InputValue, _ incoming: InputValue) -> InputValue {
        guard incoming.isTruthy else { return current }
        guard case .dict(var entries) = current, case .dict(let added) = incoming else { return incoming }
        for entry in added {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[i].value = entry.value
            } else {
                entries.append(entry)
            }
        }
        return .dict(entries)
    }

    /// The normalised table, which `dmap.map` reads back to an equal configuration. Lists and option tables are
    /// always there (empty when empty); scalars only when set.
    public var input: InputValue {
        func list(_ items: [InputValue]) -> InputValue { .list(items) }
        return .fields([
            ("abstract", abstract.map(InputValue.bool)),
            ("extends", extends.isEmpty ? nil : list(extends.map(InputValue.string))),
            ("image", image),
            ("instances", list(instances.map(InputValue.string))),
            ("clients", clients.isEmpty ? nil : list(clients.map(InputValue.string))),
            ("shares", list(shares)),
            ("binds", list(binds.map(\.input))),
            ("attaches", list(attaches.map(\.input))),
            ("uses", list(uses.map(\.input))),
            ("links", list(links.map(\.input))),
            ("exposes", list(exposes.map(\.input))),
            ("user", user),
            ("permissions", permissions),
            ("stop_timeout", stopTimeout.map(WaitSpec.number)),
            ("stop_signal", stopSignal),
            ("start_delay", startDelay.map(WaitSpec.number)),
            ("network_mode", networkMode?.input),
            ("networks", list(networks.map(\.input))),
            ("exec_commands", list(execCommands.map(\.input))),
            ("healthcheck", healthcheck?.input),
            ("persistent", persistent.map(InputValue.bool)),
            ("create_options", createOptions),
            ("host_config", hostConfig),
            ("wait", wait?.input),
        ])
    }
}
