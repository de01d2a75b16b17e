/// One container configuration of a map, normalised: Docker-Map's `ContainerConfiguration`, plus `wait`.
///
/// A scalar that is `nil` is not set (Docker-Map's `NotSet`), so that `extends` and `merge` can tell "not written"
/// from "written". Values that Docker-Map resolves lazily stay `InputValue`s (possibly functions) until an action
/// needs them.
public struct ContainerConfig: Equatable, Sendable {
    public var abstract: Bool?
    public var extends: [String] = []
    public var image: InputValue?
    public var instances: [String] = []
    /// Stored and given back, but not used: Docker-Map ignores per-container clients too (the map's `clients` count).
    public var clients: [String] = []
    public var shares: [InputValue] = []
    public var binds: [BindEntry] = []
    public var attaches: [AttachedVolume] = []
    public var uses: [UsedVolume] = []
    public var links: [ContainerLink] = []
    public var exposes: [PortBinding] = []
    /// `"name"`, `"name:group"`, a uid, `{user, group}`, or a function.
    public var user: InputValue?
    public var permissions: InputValue?
    public var stopTimeout: Double?
    public var stopSignal: InputValue?
    public var startDelay: Double?
    public var networkMode: NetworkMode?
    public var networks: [NetworkEndpoint] = []
    public var execCommands: [ExecCommand] = []
    public var healthcheck: HealthCheck?
    public var persistent: Bool?
    /// A table of extra create options (values may be functions), or a function giving one.
    public var createOptions: InputValue = .dict([])
    public var hostConfig: InputValue = .dict([])
    public var wait: WaitSpec?

    public init() {}

    /// Every property name, in Docker-Map's order.
    public static let propertyNames = [
        "abstract", "extends", "image", "instances", "clients", "shares", "binds", "attaches", "uses", "links",
        "exposes", "user", "permissions", "stop_timeout", "stop_signal", "start_delay", "network_mode", "networks",
        "exec_commands", "healthcheck", "persistent", "create_options", "host_config", "wait",
    ]

    public var isAbstract: Bool { abstract ?? false }

    /// The written properties of `value` (a table); `present` names the ones it sets, for `update` and `merge`.
    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> (ContainerConfig, Set<String>) {
        var config = ContainerConfig()
        var present = Set<String>()
        let entries: [(key: InputValue, value: InputValue)]
        switch value {
        case .null: return (config, present)
        case .dict(let e): entries = e
        case .list(let items) where items.isEmpty: return (config, present)
        default:
            r.wrongType(path, "a table (a container configuration)", value)
            return (config, present)
        }
        for (key, item) in entries {
            guard let name = key.stringValue else {
                r.fail(path.key(key), "unknown property '\(key.scalarText ?? key.typeName)'")
                continue
            }
            let p = path.key(name)
            if config.set(name, item, p, r) {
                present.insert(name)
            }
        }
        return (config, present)
    }

    /// Sets property `name` from its input; returns false for an unknown property (after noting it).
    private mutating func set(_ name: String, _ v: InputValue, _ p: InputPath, _ r: InputReader) -> Bool {
        func scalar<T>(_ read: (InputValue, InputPath) -> T?) -> T? { v.isNull ? nil : read(v, p) }
        switch name {
        case "abstract": abstract = scalar(r.bool)
        case "extends": extends = r.names(v, p)
        case "image": image = scalar(r.text)
        case "instances": instances = r.names(v, p)
        case "clients": clients = r.names(v, p)
        case "shares": shares = (r.simpleList(v, p) ?? []).compactMap { r.text($0.0, $0.1) }
        case "binds": binds = BindEntry.parseList(v, p, r)
        case "attaches": attaches = AttachedVolume.parseList(v, p, r)
        case "uses": uses = UsedVolume.parseList(v, p, r)
        case "links": links = ContainerLink.parseList(v, p, r)
        case "exposes": exposes = PortBinding.parseList(v, p, r)
        case "user": user = scalar(Self.readUser(r))
        case "permissions": permissions = scalar(r.text)
        case "stop_timeout": stopTimeout = scalar(r.number)
        case "stop_signal": stopSignal = scalar { r.scalar($0, $1, "a signal name or number") }
        case "start_delay": startDelay = scalar(r.number)
        case "network_mode": networkMode = NetworkMode.parse(v, p, r)
        case "networks": networks = NetworkEndpoint.parseList(v, p, r)
        case "exec_commands": execCommands = ExecCommand.parseList(v, p, r)
        case "healthcheck": healthcheck = HealthCheck.parse(v, p, r)
        case "persistent": persistent = scalar(r.bool)
        case "create_options": createOptions = r.options(v, p) ?? .dict([])
        case "host_config": hostConfig = r.options(v, p) ?? .dict([])
        case "wait": wait = scalar { WaitSpec.parse($0, $1, r) }
        default:
            r.fail(p, "unknown property" + Self.hint(for: name))
            return false
        }
        return true
    }

    /// A user: a name, `name:group`, a uid, a `{user, group}` pair, or a function.
    static func readUser(_ r: InputReader) -> (InputValue, InputPath) -> InputValue? {
        { v, p in
            if case .list(let items) = v {
                guard items.count == 2 else {
                    r.fail(p, "a user pair has 2 items (user, group); got \(items.count)")
                    return nil
                }
                for (i, item) in items.enumerated() { _ = r.scalar(item, p.index(i + 1), "a user or group name or id") }
                return v
            }
            return r.scalar(v, p, "a user name, uid, \"user:group\" or {user, group}")
        }
    }

    /// ` (did you mean …?)` for an unknown property: a property, or a create or host option of that name.
    static func hint(for name: String) -> String {
        if EngineOptionNames.create.contains(name) { return " (did you mean create_options.\(name)?)" }
        if EngineOptionNames.host.contains(name) { return " (did you mean host_config.\(name)?)" }
        if let near = Suggest.nearest(name, propertyNames) { return " (did you mean \(near)?)" }
        if let near = Suggest.nearest(name, EngineOptionNames.create) { return " (did you mean create_options.\(near)?)" }
        if let near = Suggest.nearest(name, EngineOptionNames.host) { return " (did you mean host_config.\(near)?)" }
        return ""
    }
}
