/// A container's `wait`: the state that `startup` and `update` wait for after starting it, before its dependents
/// start (beyond Docker-Map).
public struct WaitSpec: Equatable, Sendable {
    public enum State: String, Sendable, CaseIterable { case healthy, running, exited }

    public var state: State
    /// Seconds; `nil` leaves it to the action's default.
    public var timeout: Double?

    static func parse(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> WaitSpec? {
        var stateValue: (InputValue, InputPath)?
        var timeoutValue: (InputValue, InputPath)?
        switch value {
        case .string: stateValue = (value, path)
        case .list(let items) where (1...2).contains(items.count):
            stateValue = (items[0], path.index(1))
            if items.count == 2 { timeoutValue = (items[1], path.index(2)) }
        case .dict(let entries):
            for (k, v) in entries {
                switch k {
                case .int(1), .string("state"): stateValue = (v, path.key(k))
                case .string("timeout"): timeoutValue = (v, path.key(k))
                default:
                    r.fail(path.key(k), "unknown field '\(k.scalarText ?? k.typeName)'; expected a state and timeout")
                }
            }
        default:
            r.wrongType(path, "\"healthy\", \"running\", \"exited\" or { state, timeout = seconds }", value)
            return nil
        }
        guard let (sv, sp) = stateValue else {
            r.fail(path, "a wait needs a state: \"healthy\", \"running\" or \"exited\"")
            return nil
        }
        guard let text = sv.stringValue, let state = State(rawValue: text) else {
            r.fail(sp, "expected \"healthy\", \"running\" or \"exited\", got \(InputReader.describe(sv))"
                + Suggest.hint(sv.stringValue ?? "", State.allCases.map(\.rawValue)))
            return nil
        }
        var spec = WaitSpec(state: state, timeout: nil)
        if let (tv, tp) = timeoutValue, !tv.isNull {
            guard let seconds = r.number(tv, tp) else { return nil }
            spec.timeout = seconds
        }
        return spec
    }

    var input: InputValue {
        .fields([("state", .string(state.rawValue)), ("timeout", timeout.map(Self.number))])
    }

    static func number(_ d: Double) -> InputValue { d.rounded() == d && abs(d) < 1e15 ? .int(Int64(d)) : .double(d) }
}
