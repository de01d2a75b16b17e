/// One element of a list property (`binds`, `links`, `exposes`, …): parsed from any of Docker-Map's input forms,
/// written back in one normalised form that parses to the same element.
protocol ListElement: Equatable, Sendable {
    /// The element an input item stands for, or `nil` after noting why it stands for none.
    static func parse(_ item: InputValue, _ path: InputPath, _ reader: InputReader) -> Self?
    /// The normalised form: a table with named fields.
    var input: InputValue { get }
    /// The first field, which `extends` and `merge` match on for lists that replace by key (`binds`, `exposes`…).
    var mergeKey: InputValue { get }
}

extension ListElement {
    /// Every element of a list property, each parsed with its place.
    static func parseList(_ value: InputValue, _ path: InputPath, _ reader: InputReader) -> [Self] {
        guard let items = reader.listItems(value, path) else { return [] }
        return items.compactMap { parse($0.0, $0.1, reader) }
    }
}

/// How a list property takes in another list when configurations are merged (`extends`, `m:merge`).
enum ListMerge {
    /// Docker-Map's `merge_list`: append what is not there yet, keeping the order.
    static func union<T: Equatable>(_ current: [T], _ incoming: [T]) -> [T] {
        var out = current
        for item in incoming where !out.contains(item) { out.append(item) }
        return out
    }

    /// Docker-Map's `_merge_first`: an incoming element replaces the one with the same first field, or is appended.
    static func byKey<T: ListElement>(_ current: [T], _ incoming: [T]) -> [T] {
        var out = current
        for item in incoming {
            if let i = out.firstIndex(where: { $0.mergeKey == item.mergeKey }) {
                out[i] = item
            } else {
                out.append(item)
            }
        }
        return out
    }
}

extension InputValue {
    /// A normalised table from named fields, leaving out the ones that are not set.
    static func fields(_ pairs: [(String, InputValue?)]) -> InputValue {
        .dict(pairs.compactMap { key, value in value.map { (key: .string(key), value: $0) } })
    }

    /// The items of a list value (a lone value is a list of one).
    var listElements: [InputValue] {
        switch self {
        case .list(let items): return items
        case .null: return []
        default: return [self]
        }
    }
}
