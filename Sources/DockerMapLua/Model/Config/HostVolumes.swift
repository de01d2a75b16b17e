/// A map's `host`: the host path of each volume alias (a string, a function, or a table of paths per instance),
/// and `root`, which relative paths are joined to. Docker-Map's `HostVolumeConfiguration`.
public struct HostVolumes: Equatable, Sendable {
    public var root: InputValue?
    public var paths: [(alias: String, path: InputValue)] = []

    public init() {}

    public static func == (a: HostVolumes, b: HostVolumes) -> Bool {
        a.root == b.root && a.paths.count == b.paths.count
            && zip(a.paths, b.paths).allSatisfy { $0.alias == $1.alias && $0.path == $1.path }
    }

    public func path(for alias: String) -> InputValue? {
        paths.first { $0.alias == alias }?.path
    }

    /// Adds or replaces the entries of `value` (Docker-Map's `host.update`); a `root` key sets the root.
    mutating func update(from value: InputValue, _ path: InputPath, _ r: InputReader) {
        switch value {
        case .null: return
        case .list(let items) where items.isEmpty: return
        case .dict(let entries):
            for (key, item) in entries {
                guard let alias = r.name(key, path) else { continue }
                let p = path.key(alias)
                if alias == "root" {
                    root = item.isNull ? nil : r.text(item, p)
                    continue
                }
                guard let hostPath = Self.readPath(item, p, r) else { continue }
                if let i = paths.firstIndex(where: { $0.alias == alias }) {
                    paths[i].path = hostPath
                } else {
                    paths.append((alias, hostPath))
                }
            }
        default:
            r.wrongType(path, "a table of host paths", value)
        }
    }

    static func readPath(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> InputValue? {
        switch value {
        case .string, .lazy: return value
        case .dict(let entries):
            for (instance, p) in entries {
                _ = r.name(instance, path)
                _ = r.text(p, path.key(instance))
            }
            return value
        default:
            r.wrongType(path, "a host path, a function or a table of paths per instance", value)
            return nil
        }
    }

    mutating func merge(_ other: HostVolumes) {
        if let root = other.root { self.root = root }
        for (alias, p) in other.paths {
            if let i = paths.firstIndex(where: { $0.alias == alias }) { paths[i].path = p } else { paths.append((alias, p)) }
        }
    }

    public var input: InputValue {
        .dict((root.map { [(key: InputValue.string("root"), value: $0)] } ?? [])
            + paths.map { (key: .string($0.alias), value: $0.path) })
    }
}
