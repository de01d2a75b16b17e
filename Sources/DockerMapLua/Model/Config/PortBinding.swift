/// An element of `exposes`: a port the container exposes, optionally published on a host port, on the address of
/// one of the client's interfaces. Docker-Map's `PortBindingList`.
public struct PortBinding: ListElement {
    /// A number, a string such as `"53/udp"`, or a function.
    public var exposedPort: InputValue
    public var hostPort: InputValue?
    /// A name in the client's `interfaces` (or `interfaces_ipv6`).
    public var interface: InputValue?
    public var ipv6: Bool

    static let fieldNames = ["exposed_port", "host_port", "interface", "ipv6"]

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> PortBinding? {
        switch item {
        case .int, .string, .double, .lazy: return make([item], path, r, bare: true)
        case .list(let values):
            switch values.count {
            case 1: return make(values, path, r)
            case 2:
                switch values[1] {
                case .dict(let entries): return make([values[0]], path, r, named: entries, namedPath: path.index(2))
                case .list(let nested) where (2...3).contains(nested.count): return make([values[0]] + nested, path, r)
                case .list:
                    r.fail(path.index(2), "expected {host_port, interface} or {host_port, interface, ipv6}")
                    return nil
                default: return make(values, path, r)
                }
            case 3, 4: return make(values, path, r)
            default:
                r.fail(path, "a port binding has 1 to 4 items (port, host port, interface, ipv6); got \(values.count)")
                return nil
            }
        case .dict(let entries):
            if entries.count == 1, let first = entries.first,
                first.key.stringValue.map(fieldNames.contains) != true
            {
                return parse(.list([first.key, first.value]), path, r)
            }
            return make([], path, r, named: entries, namedPath: path)
        default:
            r.wrongType(path, "a port, a list or a table", item)
            return nil
        }
    }

    private static func make(
        _ positional: [InputValue], _ path: InputPath, _ r: InputReader, bare: Bool = false,
        named: [(key: InputValue, value: InputValue)] = [], namedPath: InputPath? = nil
    ) -> PortBinding? {
        var values: [String: (InputValue, InputPath)] = [:]
        for (i, v) in positional.enumerated() {
            values[fieldNames[i]] = (v, bare ? path : path.index(i + 1))
        }
        if let namedPath {
            for (k, v) in r.fields(named, namedPath, known: fieldNames) { values[k] = (v, namedPath.key(k)) }
        }
        guard let (portValue, portPath) = values["exposed_port"] else {
            r.fail(path, "a port binding needs 'exposed_port'")
            return nil
        }
        guard let port = r.scalar(portValue, portPath, "a port number or a string such as \"53/udp\"") else {
            return nil
        }
        var binding = PortBinding(exposedPort: port, hostPort: nil, interface: nil, ipv6: false)
        if let (v, p) = values["host_port"], !v.isNull {
            guard let host = r.scalar(v, p, "a host port number or string") else { return nil }
            binding.hostPort = host
        }
        if let (v, p) = values["interface"], !v.isNull {
            guard let iface = r.text(v, p) else { return nil }
            binding.interface = iface
        }
        if let (v, p) = values["ipv6"], !v.isNull {
            guard let flag = r.bool(v, p) else { return nil }
            binding.ipv6 = flag
        }
        return binding
    }

    var input: InputValue {
        .fields([("exposed_port", exposedPort), ("host_port", hostPort), ("interface", interface), ("ipv6", .bool(ipv6))])
    }
    var mergeKey: InputValue { exposedPort }
}
