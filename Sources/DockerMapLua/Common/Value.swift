import Foundation

/// The neutral value tree that every layer speaks: decoded engine JSON, Lua tables converted for the core, and
/// request bodies on their way to the engine.
///
/// Integers and floating-point numbers stay distinct so that Lua integers survive a round trip through JSON.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([Value])
    case object([String: Value])

    /// The value under `key` when this is an object, else `nil`.
    public subscript(key: String) -> Value? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The string when this is a string, else `nil`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number as an integer when this is an integer (or a float with an integral value), else `nil`.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    /// The boolean when this is a boolean, else `nil`.
    /// The fields of an object, or `nil`.
    public var objectValue: [String: Value]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The name of this value's type as a Lua user would say it.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array, .object: return "table"
        }
    }
}

extension Value: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([Value].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: Value].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension Value {
    /// Decodes JSON text; throws a `DMapError` of kind `.engine` on malformed input.
    public static func decodeJSON(_ data: Data) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            let preview = String(decoding: data.prefix(200), as: UTF8.self)
            throw DMapError(.engine, "malformed JSON from the engine: \(preview)")
        }
    }

    /// Decodes one JSON document, or a stream of JSON lines (as `/build`, `/images/create` and push answer) into an
    /// array of its messages.
    public static func decodeJSONOrLines(_ data: Data) throws -> Value {
        if let single = try? JSONDecoder().decode(Value.self, from: data) { return single }
        let lines = data.split(separator: UInt8(ascii: "\n")).filter { line in
            line.contains { !($0 == 32 || $0 == 9 || $0 == 13) }
        }
        guard lines.count > 1 else { return try decodeJSON(data) }
        return .array(try lines.map { try decodeJSON(Data($0)) })
    }

    /// Encodes this value as compact JSON.
    public func encodeJSON() -> Data {
        // Encoding a `Value` cannot fail: every case maps to JSON (non-finite doubles become strings).
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
