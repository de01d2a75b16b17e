import Foundation

/// A container's `healthcheck`: Docker-Map's `get_healthcheck`, durations in nanoseconds as the engine takes them.
public struct HealthCheck: Equatable, Sendable {
    /// The test: `nil` turns the image's check off (`NONE`); a string is a shell command; a list starts with
    /// `CMD`, `CMD-SHELL` or `NONE` (`CMD` is put in front of a list without one).
    public var test: InputValue?
    public var interval: Int64?
    public var timeout: Int64?
    public var retries: Int64?
    public var startPeriod: Int64?

    static let fieldNames = ["test", "interval", "timeout", "retries", "start_period"]

    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> HealthCheck? {
        var values: [String: (InputValue, InputPath)] = [:]
        switch value {
        case .null: return HealthCheck()
        case .string, .lazy: values["test"] = (value, path)
        case .list(let items):
            guard (1...5).contains(items.count) else {
                r.fail(path, "a health check list has 1 to 5 items (test, interval, timeout, retries, start_period)")
                return nil
            }
            for (i, item) in items.enumerated() { values[fieldNames[i]] = (item, path.index(i + 1)) }
        case .dict(let entries):
            for (k, v) in r.fields(entries, path, known: fieldNames) { values[k] = (v, path.key(k)) }
        default:
            r.wrongType(path, "a command, a list or a table", value)
            return nil
        }
        var check = HealthCheck()
        if let (test, testPath) = values["test"] {
            switch test {
            case .string("NONE"): break
            case _ where !test.isTruthy: break
            case .string, .lazy: check.test = test
            case .list(let items):
                let words = items.enumerated().compactMap { r.name($0.element, testPath.index($0.offset + 1)) }
                guard words.count == items.count else { return nil }
                check.test = .list((["NONE", "CMD", "CMD-SHELL"].contains(words[0]) ? words : ["CMD"] + words).map(InputValue.string))
            default:
                r.wrongType(testPath, "a command or a list", test)
                return nil
            }
        }
        for (key, assign) in [
            ("interval", { (v: Int64) in check.interval = v }), ("timeout", { check.timeout = $0 }),
            ("start_period", { check.startPeriod = $0 }),
        ] as [(String, (Int64) -> Void)] {
            guard let (v, p) = values[key], !v.isNull else { continue }
            guard let ns = nanoseconds(v, p, r) else { return nil }
            assign(ns)
        }
        if let (v, p) = values["retries"], !v.isNull {
            guard case .int(let n) = v, n >= 0 else {
                r.wrongType(p, "a whole number of retries", v)
                return nil
            }
            check.retries = n
        }
        return check
    }

    /// Docker-Map's `_get_nanoseconds`: a number is nanoseconds; a string is digits with an optional unit `ns`,
    /// `us`, `ms`, `s` or `m` (no unit: nanoseconds).
    static func nanoseconds(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> Int64? {
        switch value {
        case .int(let i) where i >= 0: return i
        case .double(let d) where d >= 0 && d.rounded() == d: return Int64(d)
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces)
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
            let factors: [String: Int64] = ["": 1, "ns": 1, "us": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000]
            guard let n = Int64(digits), let factor = factors[unit] else {
                r.fail(path, "'\(s)' is not a duration (a number with ns, us, ms, s or m)")
                return nil
            }
            return n * factor
        default:
            r.wrongType(path, "a duration (nanoseconds, or a string such as \"10s\")", value)
            return nil
        }
    }

    var input: InputValue {
        .fields([
            ("test", test ?? .string("NONE")), ("interval", interval.map(InputValue.int)),
            ("timeout", timeout.map(InputValue.int)), ("retries", retries.map(InputValue.int)),
            ("start_period", startPeriod.map(InputValue.int)),
        ])
    }
}
