/// An entry of a map's `volumes`: the path an alias is mounted at, and how its named volume is made and prepared.
/// Docker-Map's `VolumeConfiguration`; a string (or function) alone sets only `default_path`.
public struct VolumeConfig: Equatable, Sendable {
    public var defaultPath: InputValue?
    public var driver: InputValue?
    public var driverOptions: InputValue = .dict([])
    public var createOptions: InputValue = .dict([])
    public var user: InputValue?
    public var permissions: InputValue?

    static let fieldNames = ["default_path", "driver", "driver_options", "create_options", "user", "permissions"]

    /// The configuration `value` stands for; `present` names the fields it sets.
    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> (VolumeConfig, Set<String>) {
        var config = VolumeConfig()
        switch value {
        case .null: return (config, [])
        case .string, .lazy:
            config.defaultPath = value
            return (config, ["default_path"])
        case .dict(let entries):
            var present = Set<String>()
            for (name, item, p) in r.properties(entries, path, known: fieldNames) {
                present.insert(name)
                switch name {
                case "default_path": config.defaultPath = item.isNull ? nil : r.text(item, p)
                case "driver": config.driver = item.isNull ? nil : r.text(item, p)
                case "driver_options": config.driverOptions = r.options(item, p) ?? .dict([])
                case "create_options": config.createOptions = r.options(item, p) ?? .dict([])
                case "user": config.user = item.isNull ? nil : ContainerConfig.readUser(r)(item, p)
                default: config.permissions = item.isNull ? nil : r.text(item, p)
                }
            }
            return (config, present)
        default:
            r.wrongType(path, "a path, a function or a table", value)
            return (config, [])
        }
    }

    mutating func update(_ other: VolumeConfig, present: Set<String>) {
        if present.contains("default_path") { defaultPath = other.defaultPath }
        if present.contains("driver") { driver = other.driver }
        if present.contains("driver_options") { driverOptions = other.driverOptions }
        if present.contains("create_options") { createOptions = other.createOptions }
        if present.contains("user") { user = other.user }
        if present.contains("permissions") { permissions = other.permissions }
    }

    mutating func merge(_ other: VolumeConfig, listsOnly: Bool) {
        guard !listsOnly else { return }
        if let v = other.defaultPath { defaultPath = v }
        if let v = other.driver { driver = v }
        if let v = other.user { user = v }
        if let v = other.permissions { permissions = v }
        driverOptions = ContainerConfig.mergeOptions(driverOptions, other.driverOptions)
        createOptions = ContainerConfig.mergeOptions(createOptions, other.createOptions)
    }

    public var input: InputValue {
        .fields([
            ("default_path", defaultPath), ("driver", driver), ("driver_options", driverOptions),
            ("create_options", createOptions), ("user", user), ("permissions", permissions),
        ])
    }
}
