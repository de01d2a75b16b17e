/// A map as the user wrote it, before any parsing: the neutral tree that Lua tables and YAML documents both become.
///
/// Unlike `Value`, it keeps the order of a dictionary's entries (YAML's order; sorted keys for Lua tables, which have
/// none), allows integer keys (`exposes = { [8080] = 80 }`) and holds lazy values: a Lua function or a YAML
/// `!path_lazy` that is resolved when the value is needed.
public indirect enum InputValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([InputValue])
    case dict([(key: InputValue, value: InputValue)])
    case lazy(LazyValue)

    /// The name of this value's type as a Lua user would say it.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .list, .dict: return "table"
        case .lazy: return "function"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Python's truthiness, which Docker-Map's input rules test (`if not value`): nil, false, 0, "" and empty
    /// collections are false.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let items): return !items.isEmpty
        case .dict(let entries): return !entries.isEmpty
        case .lazy: return true
        }
    }

    /// The entry under string `key` when this is a dictionary.
    public subscript(key: String) -> InputValue? {
        guard case .dict(let entries) = self else { return nil }
        return entries.first { $0.key.stringValue == key }?.value
    }

    /// The text a key or scalar stands for in names and messages (`8080` for an integer key).
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }

    /// The plain value, for values without lazy parts (`nil` if any part is lazy).
    public var plainValue: DockerMapLua.Value? {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items):
            var out: [DockerMapLua.Value] = []
            for item in items {
                guard let v = item.plainValue else { return nil }
                out.append(v)
            }
            return .array(out)
        case .dict(let entries):
            var out: [String: DockerMapLua.Value] = [:]
            for (k, v) in entries {
                guard let key = k.scalarText, let value = v.plainValue else { return nil }
                out[key] = value
            }
            return .object(out)
        case .lazy: return nil
        }
    }

    /// The tree for a plain value (object keys sorted, so the order is deterministic).
    public init(_ value: DockerMapLua.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(InputValue.init))
        case .object(let fields):
            self = .dict(fields.keys.sorted().map { (key: .string($0), value: InputValue(fields[$0]!)) })
        }
    }
}

extension InputValue: Equatable {
    /// Structural equality; two lazy values are equal only when they are the same object.
    public static func == (a: InputValue, b: InputValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.lazy(let x), .lazy(let y)): return x === y
        default: return false
        }
    }
}

extension InputValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: InputValue...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension InputValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, InputValue)...) {
        self = .dict(elements.map { (key: .string($0.0), value: $0.1) })
    }
}
