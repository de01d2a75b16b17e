/// An element of `links` (and of a network endpoint's `links`): a container (`config` or `config.instance`) and
/// the alias it is known by. Docker-Map's `ContainerLinkList`.
public struct ContainerLink: ListElement {
    public var container: String
    public var alias: String?

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> ContainerLink? {
        switch item {
        case .string(let s): return ContainerLink(container: s, alias: nil)
        case .list(let values):
            guard (1...2).contains(values.count) else {
                r.fail(path, "a link has 1 or 2 items (container, alias); got \(values.count)")
                return nil
            }
            return make(values[0], values.count == 2 ? values[1] : .null, path.index(1), path.index(2), r)
        case .dict(let entries):
            if entries.count == 1, let first = entries.first,
                first.key.stringValue.map(["container", "alias"].contains) != true
            {
                return make(first.key, first.value, path, path.key(first.key), r)
            }
            let f = r.fields(entries, path, known: ["container", "alias"])
            guard let container = f["container"] else {
                r.fail(path, "a link needs a 'container'")
                return nil
            }
            return make(container, f["alias"] ?? .null, path.key("container"), path.key("alias"), r)
        default:
            r.wrongType(path, "a container name, a list or a table", item)
            return nil
        }
    }

    private static func make(
        _ container: InputValue, _ alias: InputValue, _ cPath: InputPath, _ aPath: InputPath, _ r: InputReader
    ) -> ContainerLink? {
        guard let name = r.name(container, cPath) else { return nil }
        if alias.isNull { return ContainerLink(container: name, alias: nil) }
        guard let a = r.name(alias, aPath) else { return nil }
        return ContainerLink(container: name, alias: a)
    }

    var input: InputValue { .fields([("container", .string(container)), ("alias", alias.map(InputValue.string))]) }
    var mergeKey: InputValue { .string(container) }
}
