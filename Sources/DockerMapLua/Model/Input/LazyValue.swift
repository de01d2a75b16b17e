import NIOConcurrencyHelpers

/// A value that is computed when it is needed, as Docker-Map's `lazy` and `lazy_once`: a Lua function in a map, or a
/// YAML `!path_lazy`.
///
/// The model never calls it while parsing or validating; it is resolved where Docker-Map resolves it (image names,
/// paths, ports, options at the time an action needs them). Whoever makes one decides where it may run: a Lua
/// function's resolver hops to the Lua thread.
public final class LazyValue: Sendable, CustomStringConvertible {
    /// What the value stands for in messages (`function`, `!path_lazy ~/x`).
    public let label: String
    /// What the value was made from, for a bridge that gives it back unchanged (the Lua function itself).
    public let source: (any Sendable)?
    private let resolver: @Sendable () throws -> InputValue
    private let once: Bool
    private let cached = NIOLockedValueBox<InputValue?>(nil)

    /// A lazy value; `once` caches the first result (Docker-Map's `lazy_once`), otherwise every use calls again.
    public init(
        label: String, once: Bool = false, source: (any Sendable)? = nil,
        _ resolver: @escaping @Sendable () throws -> InputValue
    ) {
        self.label = label
        self.source = source
        self.once = once
        self.resolver = resolver
    }

    /// The value now. A resolved value that is itself lazy is resolved again.
    public func resolve() throws -> InputValue {
        if once, let value = cached.withLockedValue({ $0 }) { return value }
        var value = try resolver()
        var depth = 0
        while case .lazy(let inner) = value, depth < 16 {
            value = try inner.resolve()
            depth += 1
        }
        if once { cached.withLockedValue { $0 = value } }
        return value
    }

    public var description: String { label }
}
