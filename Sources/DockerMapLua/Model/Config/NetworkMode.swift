/// A container's `network_mode`: Docker-Map's `get_network_mode`.
public enum NetworkMode: Equatable, Sendable {
    /// `bridge`, `host`, `none` (also what nothing or `disabled` become), or `container:<name>` of a container
    /// outside the map: used as written.
    case plain(String)
    /// The network stack of another container of the map (`config` or `config.instance`); a dependency.
    case container(config: String, instance: String?)

    static let presets: Set<String> = ["bridge", "host", "none"]

    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> NetworkMode? {
        switch value {
        case _ where !value.isTruthy: return .plain("none")
        case .string("disabled"): return .plain("none")
        case .string(let s) where presets.contains(s) || s.hasPrefix("container:"): return .plain(s)
        case .string(let s) where s.hasPrefix("/"): return .plain("container:" + s.dropFirst())
        case .string(let s):
            let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return .container(config: parts[0], instance: parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil)
        case .list(let items) where (1...2).contains(items.count):
            guard let config = r.name(items[0], path.index(1)) else { return nil }
            if items.count == 1 || items[1].isNull { return .container(config: config, instance: nil) }
            return r.name(items[1], path.index(2)).map { .container(config: config, instance: $0) }
        case .list:
            r.fail(path, "a container reference has 2 items (config, instance)")
            return nil
        default:
            r.wrongType(path, "\"bridge\", \"host\", \"none\", \"container:<name>\" or a container of the map", value)
            return nil
        }
    }

    var input: InputValue {
        switch self {
        case .plain(let s): return .string(s)
        case .container(let config, let instance): return .string(instance.map { "\(config).\($0)" } ?? config)
        }
    }
}
