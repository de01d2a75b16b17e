/// The settings of one client (Docker host) that shape the containers made on it: Docker-Map's
/// `ClientConfiguration` members that a container's create request reads, its stop timeout and the timeout of
/// volume preparation.
public struct ClientSettings: Sendable {
    /// The client's name; `__default__` for the default client (whose containers' host names get no suffix).
    public var name: String
    /// Interface name → IPv4 address (or a function giving one), for `exposes` bound to an interface.
    public var interfaces: [String: InputValue]
    /// Interface name → IPv6 address, for `exposes` with `ipv6`.
    public var interfacesIPv6: [String: InputValue]
    /// When set, overrides the map's `default_domain`; an empty string means no domain name.
    public var domainname: InputValue?
    /// Seconds to wait for a container to stop when its configuration sets no `stop_timeout`.
    public var stopTimeout: Double?
    /// The client's `wait_timeout`: seconds an attached volume's preparation container may take to exit (without
    /// it, the client's silence timeout applies). Nothing else reads it: a container's `wait` has its own `timeout`
    /// (default 60 s), and `run_script` its own `wait_timeout` option.
    public var waitTimeout: Double?

    public init(
        name: String = ContainerMap.defaultClientName, interfaces: [String: InputValue] = [:],
        interfacesIPv6: [String: InputValue] = [:], domainname: InputValue? = nil, stopTimeout: Double? = nil,
        waitTimeout: Double? = nil
    ) {
        self.name = name
        self.interfaces = interfaces
        self.interfacesIPv6 = interfacesIPv6
        self.domainname = domainname
        self.stopTimeout = stopTimeout
        self.waitTimeout = waitTimeout
    }
}
