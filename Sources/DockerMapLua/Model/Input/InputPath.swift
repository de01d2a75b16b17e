/// Where a value sits in a map, written as a Lua user would reach it: `main.containers.app.links[1]`.
public struct InputPath: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// The path of the field `key` below this one (`.key`, or `["a b"]` for keys that are not identifiers).
    public func key(_ key: String) -> InputPath {
        InputPath(Self.isIdentifier(key) ? "\(text).\(key)" : "\(text)[\"\(key)\"]")
    }

    /// The path of the entry under a dictionary key of any scalar type (`[8080]` for an integer key).
    func key(_ key: InputValue) -> InputPath {
        if case .string(let s) = key { return self.key(s) }
        return InputPath("\(text)[\(key.scalarText ?? key.typeName)]")
    }

    /// The path of the `index`th item (1-based, as in Lua).
    public func index(_ index: Int) -> InputPath { InputPath("\(text)[\(index)]") }

    public var description: String { text }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
    }
}

/// Every problem found in a map, each with its place; turned into one `config` error when checking is done.
public final class Problems {
    public private(set) var items: [(path: InputPath, message: String)] = []

    public init() {}

    public func add(_ path: InputPath, _ message: String) {
        items.append((path, message))
    }

    public var isEmpty: Bool { items.isEmpty }

    /// One `config` error naming every problem (`path: message`, one per line), or nothing if there are none.
    public func error(for subject: String) -> DMapError? {
        guard !items.isEmpty else { return nil }
        let lines = items.map { "\($0.path): \($0.message)" }
        let message = lines.count == 1
            ? lines[0] : "\(subject) has \(lines.count) problems:\n  " + lines.joined(separator: "\n  ")
        var error = DMapError(.config, message, object: items[0].path.text)
        error.problems = lines
        return error
    }

    /// Throws the `config` error for the problems found so far, if any.
    public func check(_ subject: String) throws {
        if let error = error(for: subject) { throw error }
    }
}
