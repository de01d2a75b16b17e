import Yams

/// Mappings as PyYAML's `construct_mapping` makes them: `<<` merges first (`flatten_mapping`), then a Python `dict`
/// (keys equal as Python compares them: `1`, `1.0` and `true` are one key; a later value replaces an earlier one in
/// the earlier one's place).
extension YAMLBuilder {
    /// One entry of a mapping, with the node its value came from.
    struct Entry {
        let key: InputValue
        var value: InputValue
        var valueNode: Node
        /// Whether the entry is written in the mapping itself, rather than brought in by a `<<` merge.
        var own: Bool
    }

    /// The entries of `mapping` in document order: merged entries first, then the mapping's own, which override them.
    mutating func entries(of mapping: Node.Mapping, at mark: Mark?) throws -> [Entry] {
        let (merged, own) = try flatten(mapping)
        var entries: [Entry] = []
        var index: [KeyIdentity: Int] = [:]
        for (position, (keyNode, valueNode)) in (merged + own).enumerated() {
            let isOwn = position >= merged.count
            let (key, identity) = try self.key(keyNode)
            let value = try self.value(of: valueNode)
            guard let existing = index[identity] else {
                index[identity] = entries.count
                entries.append(Entry(key: key, value: value, valueNode: valueNode, own: isOwn))
                continue
            }
            if isOwn && entries[existing].own {
                let name = key.scalarText ?? key.typeName
                throw error("the key '\(name)' is given more than once in this mapping", at: keyNode.mark)
            }
            entries[existing].value = value
            entries[existing].valueNode = valueNode
            entries[existing].own = isOwn
        }
        return entries
    }

    /// PyYAML's `flatten_mapping`: the pairs that `<<` keys bring in (a merged mapping's own merges first; of a list
    /// of mappings the later ones first, so that the earlier win), and the mapping's other pairs.
    private func flatten(_ mapping: Node.Mapping) throws -> (merged: [(Node, Node)], own: [(Node, Node)]) {
        var merged: [(Node, Node)] = []
        var own: [(Node, Node)] = []
        for (key, value) in mapping {
            guard case .scalar = key, tag(of: key) == .merge else {
                own.append((key, value))
                continue
            }
            switch value {
            case .mapping(let inner):
                let (innerMerged, innerOwn) = try flatten(inner)
                merged += innerMerged + innerOwn
            case .sequence(let items):
                var groups: [[(Node, Node)]] = []
                for item in items {
                    guard case .mapping(let inner) = item else {
                        throw error("a '<<' list must hold mappings only, not \(Self.kind(of: item))", at: item.mark)
                    }
                    let (innerMerged, innerOwn) = try flatten(inner)
                    groups.append(innerMerged + innerOwn)
                }
                for group in groups.reversed() { merged += group }
            default:
                throw error("'<<' merges a mapping or a list of mappings, not a scalar", at: value.mark)
            }
        }
        return (merged, own)
    }

    /// A key: any scalar (PyYAML reads a `=` key as text); collections and lazy values cannot be keys.
    private mutating func key(_ node: Node) throws -> (key: InputValue, identity: KeyIdentity) {
        guard case .scalar = node else {
            throw error("a mapping key must be a scalar, not \(Self.kind(of: node))", at: node.mark)
        }
        let key = tag(of: node) == .value ? "=" : try value(of: node)
        guard let identity = KeyIdentity(key) else {
            throw error("a mapping key cannot be \(node.tag.rawValue)", at: node.mark)
        }
        return (key, identity)
    }

    /// `a mapping`, `a list` or `a scalar`, for messages.
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar, .alias: return "a scalar"
        }
    }
}

/// A key as a Python `dict` tells keys apart: `true`, `1` and `1.0` are one key.
enum KeyIdentity: Hashable {
    case null
    case integer(Int64)
    case number(Double)
    case text(String)

    /// The identity of a scalar key; `nil` for a collection or a lazy value.
    init?(_ key: InputValue) {
        switch key {
        case .null: self = .null
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .int(let i): self = .integer(i)
        case .double(let d):
            if d.rounded() == d, let exact = Int64(exactly: d) {
                self = .integer(exact)
            } else {
                self = .number(d)
            }
        case .string(let s): self = .text(s)
        case .list, .dict, .lazy: return nil
        }
    }
}
