import Foundation
import Yams

/// Scalars as PyYAML's `safe_load` reads them (YAML 1.1), which is what Docker-Map's map files are written for.
///
/// Yams composes the document with `resolver`, PyYAML's implicit rules, so a plain scalar's tag is PyYAML's; the
/// values are then made here as PyYAML's `SafeConstructor` makes them. Where Yams' own rules differ:
/// - Yams' `.int` rule also takes `0o17` (YAML 1.2), which PyYAML leaves a string; `017` is octal 15 in PyYAML.
/// - Yams' `.float` rule takes `1e3`, `1.0e3` and `._1`; PyYAML needs a `.` and a signed exponent, so those are
///   strings there.
/// - Yams constructs `017` as decimal 17, and `!` on a plain scalar as a string; PyYAML resolves `! 12` as `12`.
/// Timestamps (`2001-12-14`) stay the text they are written as: the input tree has no date type.
enum YAMLScalar {
    /// The tag of a plain scalar, by PyYAML's implicit resolvers in its order (bool, float, int, merge, null,
    /// timestamp, value); anything else is a string.
    static let resolver: Resolver = {
        var resolver = Resolver.basic
        for (tag, pattern) in pyYAMLRules {
            // The patterns are fixed and tested; a bad one is a programming error.
            resolver = resolver.appending(try! Resolver.Rule(tag, pattern))
        }
        return resolver
    }()

    private static let pyYAMLRules: [(Tag.Name, String)] = [
        (.bool, "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
        (
            .float,
            "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?"
                + "|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
                + "|[-+]?\\.(?:inf|Inf|INF)"
                + "|\\.(?:nan|NaN|NAN))$"
        ),
        (
            .int,
            "^(?:[-+]?0b[0-1_]+"
                + "|[-+]?0[0-7_]+"
                + "|[-+]?(?:0|[1-9][0-9_]*)"
                + "|[-+]?0x[0-9a-fA-F_]+"
                + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
        ),
        (.merge, "^(?:<<)$"),
        (.null, "^(?:~|null|Null|NULL|)$"),
        (
            .timestamp,
            "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
                + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
                + "(?:[Tt]|[ \\t]+)[0-9][0-9]?"
                + ":[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
                + "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"
        ),
        (.value, "^(?:=)$"),
    ]

    /// Why a scalar could not be made into its tag's value.
    struct Failure: Error {
        let message: String
    }

    /// The value of scalar `text` with the YAML 1.1 type `tag` (`nil` when the tag is not a scalar type of
    /// `safe_load`).
    static func value(_ text: String, tag: Tag.Name) throws(Failure) -> InputValue? {
        switch tag {
        case .str, .timestamp: return .string(text)
        case .null: return .null
        case .bool:
            switch text.lowercased() {
            case "yes", "true", "on": return .bool(true)
            case "no", "false", "off": return .bool(false)
            default: throw Failure(message: "'\(text)' is not a boolean")
            }
        case .int: return .int(try int(text))
        case .float: return .double(try float(text))
        default: return nil
        }
    }

    /// PyYAML's `construct_yaml_int`: underscores dropped, a sign, then `0b`, `0x`, a leading `0` (octal), `a:b:c`
    /// (base 60) or decimal.
    static func int(_ text: String) throws(Failure) -> Int64 {
        let (negative, body) = signAndBody(text.replacingOccurrences(of: "_", with: ""))
        let sign = negative ? "-" : ""
        var value: Int64?
        if body.isEmpty || body.first == "+" || body.first == "-" {
            value = nil
        } else if body == "0" {
            value = 0
        } else if body.hasPrefix("0b") {
            value = Int64(sign + body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            value = Int64(sign + body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0") {
            value = Int64(sign + body, radix: 8)
        } else if body.contains(":") {
            let parts = body.split(separator: ":", omittingEmptySubsequences: false).map { Int64($0) }
            value = sexagesimal(parts).map { negative ? -$0 : $0 }
        } else {
            value = Int64(sign + body, radix: 10)
        }
        guard let value else { throw Failure(message: "'\(text)' is not an integer, or is out of range") }
        return value
    }

    /// PyYAML's `construct_yaml_float`: underscores dropped, case ignored, `.inf`, `.nan`, `a:b.c` (base 60), or
    /// what Python's `float()` takes.
    static func float(_ text: String) throws(Failure) -> Double {
        let (negative, body) = signAndBody(
            text.replacingOccurrences(of: "_", with: "").lowercased().trimmingCharacters(in: .whitespaces))
        let sign: Double = negative ? -1 : 1
        if body == ".inf" { return sign * .infinity }
        if body == ".nan" { return .nan }
        let value: Double?
        if body.contains(":") {
            var total = 0.0
            var ok = true
            for part in body.split(separator: ":", omittingEmptySubsequences: false) {
                guard let digit = Double(part) else {
                    ok = false
                    break
                }
                total = total * 60 + digit
            }
            value = ok ? total : nil
        } else {
            // Swift also reads hexadecimal floats, which Python's float() does not.
            value = body.contains("x") || body.first == "+" || body.first == "-" ? nil : Double(body)
        }
        guard let value else { throw Failure(message: "'\(text)' is not a number") }
        return sign * value
    }

    private static func signAndBody(_ text: String) -> (negative: Bool, body: Substring) {
        switch text.first {
        case "-": return (true, text.dropFirst())
        case "+": return (false, text.dropFirst())
        default: return (false, Substring(text))
        }
    }

    /// `[1, 30]` → 90: the last part counts ones, the one before it sixties, and so on.
    private static func sexagesimal(_ parts: [Int64?]) -> Int64? {
        var total: Int64 = 0
        for part in parts {
            guard let part else { return nil }
            let (times60, o1) = total.multipliedReportingOverflow(by: 60)
            let (sum, o2) = times60.addingReportingOverflow(part)
            if o1 || o2 { return nil }
            total = sum
        }
        return total
    }
}
