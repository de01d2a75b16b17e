/// The one error type of every layer: what went wrong (`kind`), a readable message, and where.
///
/// The Lua bridge turns it into the error table of the contract (`kind`, `message`, `status`, `object`, `client`).
public struct DMapError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure the contract names.
    public enum Kind: String, Sendable, CaseIterable {
        case usage, config, connection, engine
        case notFound = "not_found"
        case conflict, auth, build, timeout, cycle, action
    }

    public var kind: Kind
    public var message: String
    /// HTTP status of the engine reply, where one came.
    public var status: Int?
    /// The container, image, network or volume concerned, where known.
    public var object: String?
    /// The client (by name or address) that the failure happened on.
    public var client: String?
    /// A readable description of the underlying cause, if any.
    public var cause: String?
    /// Every problem, one per line with its place, when one error reports several (a map's validation).
    public var problems: [String] = []
    /// For a failed action: every step it had done before it failed, as the action would have returned them.
    public var results: [Value]?

    public init(
        _ kind: Kind, _ message: String, status: Int? = nil, object: String? = nil, client: String? = nil,
        cause: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.status = status
        self.object = object
        self.client = client
        self.cause = cause
    }

    /// One line: `kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }

    /// A usage error in the style of Lua's own `luaL_argerror`.
    public static func badArgument(_ position: Int, _ function: String, _ detail: String) -> DMapError {
        DMapError(.usage, "bad argument #\(position) to '\(function)' (\(detail))")
    }
}
