/// An entry of a map's `networks`. Docker-Map's `NetworkConfiguration`; nothing (`nil`, YAML `~`) means defaults.
public struct NetworkConfig: Equatable, Sendable {
    public var driver: InputValue?
    public var driverOptions: InputValue = .dict([])
    public var isInternal: Bool?
    public var createOptions: InputValue = .dict([])

    static let fieldNames = ["driver", "driver_options", "internal", "create_options"]

    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> (NetworkConfig, Set<String>) {
        var config = NetworkConfig()
        switch value {
        case .null: return (config, [])
        case .list(let items) where items.isEmpty: return (config, [])
        case .dict(let entries):
            var present = Set<String>()
            for (name, item, p) in r.properties(entries, path, known: fieldNames) {
                present.insert(name)
                switch name {
                case "driver": config.driver = item.isNull ? nil : r.text(item, p)
                case "driver_options": config.driverOptions = r.options(item, p) ?? .dict([])
                case "internal": config.isInternal = item.isNull ? nil : r.bool(item, p)
                default: config.createOptions = r.options(item, p) ?? .dict([])
                }
            }
            return (config, present)
        default:
            r.wrongType(path, "a table (a network configuration)", value)
            return (config, [])
        }
    }

    mutating func update(_ other: NetworkConfig, present: Set<String>) {
        if present.contains("driver") { driver = other.driver }
        if present.contains("driver_options") { driverOptions = other.driverOptions }
        if present.contains("internal") { isInternal = other.isInternal }
        if present.contains("create_options") { createOptions = other.createOptions }
    }

    mutating func merge(_ other: NetworkConfig, listsOnly: Bool) {
        guard !listsOnly else { return }
        if let v = other.driver { driver = v }
        if let v = other.isInternal { isInternal = v }
        driverOptions = ContainerConfig.mergeOptions(driverOptions, other.driverOptions)
        createOptions = ContainerConfig.mergeOptions(createOptions, other.createOptions)
    }

    public var input: InputValue {
        .fields([
            ("driver", driver), ("driver_options", driverOptions), ("internal", isInternal.map(InputValue.bool)),
            ("create_options", createOptions),
        ])
    }
}
