import Yams

/// Makes the input tree from Yams' nodes, as PyYAML's `SafeConstructor` with Docker-Map's tags makes Python values.
struct YAMLBuilder {
    let source: String
    let expansion: PathExpansion
    /// The value made for each anchored node, so that every alias of it is the same value (one `LazyValue`).
    private var anchored: [ObjectIdentifier: InputValue] = [:]

    init(source: String, expansion: PathExpansion) {
        self.source = source
        self.expansion = expansion
    }

    /// The value of `node` (of the node an alias stands for: Yams' composer has put it in the alias's place).
    mutating func value(of node: Node) throws -> InputValue {
        let anchor = node.anchor.map(ObjectIdentifier.init)
        if let anchor, let made = anchored[anchor] { return made }
        let made = try construct(node)
        if let anchor { anchored[anchor] = made }
        return made
    }

    /// The tag that decides how `node` is made: the explicit one, or the one PyYAML's rules resolve.
    func tag(of node: Node) -> Tag.Name {
        // PyYAML resolves a scalar with the non-specific tag `!` as if it were plain (`! 12` is 12); Yams makes it
        // a string.
        if case .scalar(let scalar) = node, scalar.tag.rawValue == Tag.Name.nonSpecific.rawValue {
            return YAMLScalar.resolver.resolveTag(of: Node(scalar.string))
        }
        return Tag.Name(rawValue: node.tag.rawValue)
    }

    private mutating func construct(_ node: Node) throws -> InputValue {
        let tag = tag(of: node)
        if let pathTag = PathTag(rawValue: tag.rawValue) {
            return try pathTagged(node, pathTag)
        }
        switch (node, tag) {
        case (.scalar(let scalar), _):
            return try scalarValue(scalar, tag: tag)
        case (.sequence(let sequence), .seq):
            var items: [InputValue] = []
            for item in sequence { items.append(try value(of: item)) }
            return .list(items)
        case (.mapping(let mapping), .map):
            return .dict(try entries(of: mapping, at: node.mark).map { (key: $0.key, value: $0.value) })
        default:
            throw unsupported(tag, at: node.mark)
        }
    }

    private func scalarValue(_ scalar: Node.Scalar, tag: Tag.Name) throws -> InputValue {
        switch tag {
        case .merge:
            throw error("'<<' merges only as a mapping key; quote it to use it as text", at: scalar.mark)
        case .value:
            throw error("'=' is a mapping key only; quote it to use it as text", at: scalar.mark)
        default:
            do {
                if let made = try YAMLScalar.value(scalar.string, tag: tag) { return made }
            } catch {
                throw self.error(error.message, at: scalar.mark)
            }
            throw unsupported(tag, at: scalar.mark)
        }
    }

    /// A `config` error at `mark`: `<source>:<line>:<column>: <message>`.
    func error(_ message: String, at mark: Mark?) -> DMapError {
        DMapError(.config, "\(source):\(mark.map { "\($0.line):\($0.column):" } ?? "") \(message)")
    }

    private func unsupported(_ tag: Tag.Name, at mark: Mark?) -> DMapError {
        let yaml11 = "tag:yaml.org,2002:"
        let name = tag.rawValue.hasPrefix(yaml11) ? "!!" + tag.rawValue.dropFirst(yaml11.count) : tag.rawValue
        switch tag {
        case .str, .int, .float, .bool, .null, .timestamp, .seq, .map:
            return error("\(name) does not fit this node", at: mark)
        case .binary, .set, .omap, .pairs:
            return error("the YAML type \(name) is not supported in a map", at: mark)
        default:
            return error("unknown tag \(name) (known: !path, !path_lazy)", at: mark)
        }
    }
}
