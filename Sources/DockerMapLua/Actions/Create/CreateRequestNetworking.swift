import OrderedCollections

/// Ports and networks of a create request: Docker-Map's `get_port_bindings`, the network mode, and the network
/// endpoints (`get_network_create_endpoint_kwargs`).
extension CreateRequestBuilder {
    struct Ports {
        /// `ExposedPorts` keys (`80/tcp`), in order.
        var exposed: [String] = []
        /// `HostConfig.PortBindings`: each exposed port with its bindings, `{HostIp, HostPort}`.
        var bindings: [String: Value] = [:]
    }

    /// Every exposed port; the ones with a host port are bound, on the address of their interface when they name
    /// one (`interfaces_ipv6` for IPv6 bindings, the intended behaviour of quirk Q30).
    func portBindings() throws -> Ports {
        var out = Ports()
        var grouped: OrderedDictionary<String, [Value]> = [:]
        for (i, binding) in config.exposes.enumerated() {
            let p = path.key("exposes").index(i + 1)
            let port = try ContainerMap.resolve(binding.exposedPort)
            guard port.isTruthy, port.scalarText != nil else { continue }
            let key = RequestValues.portKey(port)
            if !out.exposed.contains(key) { out.exposed.append(key) }
            let hostValue = try binding.hostPort.map(ContainerMap.resolve) ?? .null
            guard hostValue.isTruthy, let hostPort = hostValue.scalarText else { continue }
            var address = ""
            if let interface = try RequestValues.optionalText(binding.interface, p) {
                let table = binding.ipv6 ? client.interfacesIPv6 : client.interfaces
                guard let found = try RequestValues.optionalText(table[interface], p) else {
                    var error = fail(p, "interface '\(interface)' has no \(binding.ipv6 ? "IPv6 " : "")address in client "
                        + "'\(client.name)'" + Suggest.hint(interface, table.keys)
                        + " (\(binding.ipv6 ? "interfaces_ipv6" : "interfaces"): "
                        + (table.isEmpty ? "none" : table.keys.sorted().joined(separator: ", ")) + ")")
                    error.client = client.name
                    throw error
                }
                address = found
            }
            grouped[key, default: []].append(["HostIp": .string(address), "HostPort": .string(hostPort)])
        }
        for (key, list) in grouped { out.bindings[key] = .array(list) }
        return out
    }

    struct Networking {
        var mode: String?
        var disabled = false
        /// The first endpoint, joined at create: the network's Docker name and its `EndpointConfig`.
        var first: (network: String, endpoint: Value)?
        /// The other endpoints, connected after create.
        var rest: [(network: String, endpoint: Value)] = []
    }

    /// The network mode and endpoints. `none` disables networking (and no network is joined). With `networks` and
    /// no network mode, the first network is the network mode, so the container is not on `bridge` unless that is
    /// listed; with a network mode of `bridge`, the networks are joined besides it. A container that shares the
    /// host's or another container's network stack cannot join networks.
    func networking() throws -> Networking {
        var out = Networking()
        switch config.networkMode {
        case nil: break
        case .plain(let mode):
            out.mode = mode
            out.disabled = mode == "none"
        case .container(let target, let instance):
            out.mode = "container:" + (try networkModeContainer(target, instance))
        }
        guard !out.disabled, !config.networks.isEmpty else { return out }
        if let mode = out.mode, mode == "host" || mode.hasPrefix("container:") {
            throw fail(path.key("networks"), "a container with network_mode '\(mode)' cannot join networks")
        }
        var endpoints = try config.networks.enumerated().map { i, endpoint in
            (network: map.networkName(endpoint.networkName),
             endpoint: try endpointConfig(endpoint, path.key("networks").index(i + 1), with: linksSharing(endpoint)))
        }
        let first = endpoints.removeFirst()
        if out.mode == nil { out.mode = first.network }
        out.first = first
        out.rest = endpoints
        return out
    }

    /// `container:<name>` of a network mode that names a container of the map.
    func networkModeContainer(_ target: String, _ instance: String?) throws -> String {
        if let instance { return map.containerName(target, instance: instance) }
        let instances = graph.configs[target]?.instances ?? map.extended(target)?.instances ?? []
        guard instances.isEmpty else {
            throw fail(path.key("network_mode"), "'\(target)' has instances (\(instances.joined(separator: ", "))); "
                + "name one of them, e.g. '\(target).\(instances[0])'")
        }
        return map.containerName(target)
    }

    /// The container's `links` whose targets are on the endpoint's network too. The engine ignores
    /// `HostConfig.Links` on user-defined networks, so (as the docker CLI does with `--link`) they go into the
    /// endpoint, where the alias resolves through the network's DNS.
    func linksSharing(_ endpoint: NetworkEndpoint) -> [ContainerLink] {
        guard !ContainerMap.presetNetworks.contains(endpoint.networkName) else { return [] }
        return config.links.filter { link in
            let (target, _) = DependencyGraph.split(link.container)
            return graph.configs[target]?.networks.contains { $0.networkName == endpoint.networkName } ?? false
        }
    }

    /// docker-py's `EndpointConfig`: `Aliases`, `Links` (`cname:alias`, the endpoint's own and `extra`),
    /// `IPAMConfig` with the fixed addresses; empty parts left out.
    func endpointConfig(_ endpoint: NetworkEndpoint, _ p: InputPath, with extra: [ContainerLink] = []) throws -> Value {
        var out: [String: Value] = [:]
        if let aliases = endpoint.aliases, !aliases.isEmpty {
            out["Aliases"] = .array(try aliases.enumerated().map {
                .string(try RequestValues.text($0.element, p.key("aliases").index($0.offset + 1)))
            })
        }
        let links = ListMerge.union(endpoint.links.map(link), extra.map(link))
        if !links.isEmpty { out["Links"] = .array(links.map(Value.string)) }
        var ipam: [String: Value] = [:]
        if let v4 = try RequestValues.optionalText(endpoint.ipv4Address, p.key("ipv4_address")) {
            ipam["IPv4Address"] = .string(v4)
        }
        if let v6 = try RequestValues.optionalText(endpoint.ipv6Address, p.key("ipv6_address")) {
            ipam["IPv6Address"] = .string(v6)
        }
        if let local = endpoint.linkLocalIPs, !local.isEmpty {
            ipam["LinkLocalIPs"] = .array(try local.enumerated().map {
                .string(try RequestValues.text($0.element, p.key("link_local_ips").index($0.offset + 1)))
            })
        }
        if !ipam.isEmpty { out["IPAMConfig"] = .object(ipam) }
        return .object(out)
    }
}
