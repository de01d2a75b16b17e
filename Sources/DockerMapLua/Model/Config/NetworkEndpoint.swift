/// An element of a container's `networks`: the network it joins, with aliases, links and fixed addresses.
/// Docker-Map's `NetworkEndpointList`.
public struct NetworkEndpoint: ListElement {
    public var networkName: String
    public var aliases: [InputValue]?
    public var links: [ContainerLink]
    public var ipv4Address: InputValue?
    public var ipv6Address: InputValue?
    public var linkLocalIPs: [InputValue]?

    static let fieldNames = ["network_name", "aliases", "links", "ipv4_address", "ipv6_address", "link_local_ips"]

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> NetworkEndpoint? {
        switch item {
        case .string: return make([(item, path)], [], path, r)
        case .list(let values):
            if values.count == 2, case .dict(let named) = values[1] {
                return make([(values[0], path.index(1))], named, path.index(2), r)
            }
            guard (1...6).contains(values.count) else {
                r.fail(path, "a network endpoint has 1 to 6 items (network, aliases, links, ipv4_address, ipv6_address, "
                    + "link_local_ips); got \(values.count)")
                return nil
            }
            return make(values.enumerated().map { ($0.element, path.index($0.offset + 1)) }, [], path, r)
        case .dict(let entries):
            // A Lua table may hold the network name as its first item and the rest as named fields.
            if let first = entries.first, first.key == .int(1) {
                return make([(first.value, path.index(1))], Array(entries.dropFirst()), path, r)
            }
            if entries.count == 1, let first = entries.first, first.key.stringValue.map(fieldNames.contains) != true {
                let (k, v) = (first.key, first.value)
                let sub = path.key(k)
                switch v {
                case _ where !v.isTruthy: return make([(k, path)], [], path, r)
                case .string, .lazy: return make([(k, path), (v, sub)], [], path, r)
                case .dict(let named): return make([(k, path)], named, sub, r)
                case .list(let values) where (1...5).contains(values.count):
                    return make([(k, path)] + values.enumerated().map { ($0.element, sub.index($0.offset + 1)) }, [], path, r)
                default:
                    r.fail(sub, "expected an alias, a table of endpoint fields or a list of 1 to 5 of them")
                    return nil
                }
            }
            return make([], entries, path, r)
        default:
            r.wrongType(path, "a network name, a list or a table", item)
            return nil
        }
    }

    private static func make(
        _ positional: [(InputValue, InputPath)], _ named: [(key: InputValue, value: InputValue)],
        _ namedPath: InputPath, _ r: InputReader
    ) -> NetworkEndpoint? {
        var values: [String: (InputValue, InputPath)] = [:]
        for (i, v) in positional.enumerated() { values[fieldNames[i]] = v }
        for (k, v) in r.fields(named, namedPath, known: fieldNames) { values[k] = (v, namedPath.key(k)) }
        guard let (nameValue, namePath) = values["network_name"] else {
            r.fail(namedPath, "a network endpoint needs 'network_name'")
            return nil
        }
        guard let name = r.name(nameValue, namePath) else { return nil }
        var endpoint = NetworkEndpoint(
            networkName: name, aliases: nil, links: [], ipv4Address: nil, ipv6Address: nil, linkLocalIPs: nil)
        func textList(_ key: String) -> [InputValue]? {
            guard let (v, p) = values[key], v.isTruthy else { return nil }
            return r.simpleList(v, p)?.compactMap { r.text($0.0, $0.1) }
        }
        func text(_ key: String) -> InputValue? {
            guard let (v, p) = values[key], !v.isNull else { return nil }
            return r.text(v, p)
        }
        endpoint.aliases = textList("aliases")
        endpoint.linkLocalIPs = textList("link_local_ips")
        endpoint.ipv4Address = text("ipv4_address")
        endpoint.ipv6Address = text("ipv6_address")
        if let (v, p) = values["links"] { endpoint.links = ContainerLink.parseList(v, p, r) }
        return endpoint
    }

    var input: InputValue {
        .fields([
            ("network_name", .string(networkName)), ("aliases", aliases.map(InputValue.list)),
            ("links", links.isEmpty ? nil : .list(links.map(\.input))), ("ipv4_address", ipv4Address),
            ("ipv6_address", ipv6Address), ("link_local_ips", linkLocalIPs.map(InputValue.list)),
        ])
    }
    var mergeKey: InputValue { .string(networkName) }
}
