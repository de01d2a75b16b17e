import Yams

/// Docker-Map's `!path` and `!path_lazy` tags: `os.path.expanduser(os.path.expandvars(value))`, now or when the value
/// is first resolved (`lazy_once(expand_path, value)`).
enum PathTag: String {
    case now = "!path"
    case lazy = "!path_lazy"
}

extension YAMLBuilder {
    /// A node tagged `!path` or `!path_lazy`.
    ///
    /// A scalar is expanded as written, whatever it looks like (`!path ~` is the home directory, `!path 8080` the
    /// text `8080`). Of a list its items, of a mapping its values (not its keys), each on its own: for
    /// `!path_lazy` each becomes its own lazy value, as Docker-Map's `expand_node` wraps each one. These items must
    /// be text; a nested list or mapping is accepted only with its own `!path` or `!path_lazy` tag, which has
    /// already expanded it (Docker-Map's documentation shows this, though its loader fails on it: it passes the
    /// nested value to `expandvars` again).
    mutating func pathTagged(_ node: Node, _ tag: PathTag) throws -> InputValue {
        switch node {
        case .scalar(let scalar):
            return expanded(scalar.string, tag)
        case .sequence(let sequence):
            var items: [InputValue] = []
            for item in sequence {
                let value = try value(of: item)
                items.append(try expandedItem(item, value, tag))
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [(key: InputValue, value: InputValue)] = []
            for entry in try self.entries(of: mapping, at: node.mark) {
                entries.append((entry.key, try expandedItem(entry.valueNode, entry.value, tag)))
            }
            return .dict(entries)
        case .alias:
            throw error("\(tag.rawValue) on an alias", at: node.mark)
        }
    }

    /// A first-level item of a tagged list or mapping, already made as `value`.
    private func expandedItem(_ node: Node, _ value: InputValue, _ tag: PathTag) throws -> InputValue {
        if PathTag(rawValue: self.tag(of: node).rawValue) != nil { return value }
        guard case .string(let text) = value else {
            let found: String
            switch node {
            case .mapping, .sequence: found = "\(Self.kind(of: node)) (give it its own \(tag.rawValue) tag)"
            default: found = "\(value.isNull ? "an empty value" : "a \(value.typeName)") (quote it)"
            }
            throw error("\(tag.rawValue) expands the text of each item, and this item is \(found)", at: node.mark)
        }
        return expanded(text, tag)
    }

    private func expanded(_ text: String, _ tag: PathTag) -> InputValue {
        let expansion = self.expansion
        switch tag {
        case .now:
            return .string(expansion.expandUser(expansion.expandVariables(text)))
        case .lazy:
            return .lazy(
                LazyValue(label: "!path_lazy \(text)", once: true) {
                    .string(expansion.expandUser(expansion.expandVariables(text)))
                })
        }
    }
}
