/// A network endpoint of a container against the endpoint the map asks for (Docker-Map's `_check_network_endpoint`):
/// the configured aliases are there (the engine adds the container's short id), the links are exactly the configured
/// ones, and the fixed addresses match. Returns what differs, empty when nothing does.
enum EndpointCheck {
    static func differences(wanted: Value, actual: Value) -> [String] {
        var out: [String] = []
        let wantedAliases = strings(wanted["Aliases"]), actualAliases = Set(strings(actual["Aliases"]))
        let missing = wantedAliases.filter { !actualAliases.contains($0) }
        if !missing.isEmpty { out.append("alias " + missing.joined(separator: ", ") + " missing") }
        if Set(strings(wanted["Links"])) != Set(strings(actual["Links"])) {
            out.append("links " + words(actual["Links"]) + " -> " + words(wanted["Links"]))
        }
        for (key, name) in [("IPv4Address", "ipv4 address"), ("IPv6Address", "ipv6 address")] {
            let w = nonEmpty(wanted["IPAMConfig"]?[key]), a = nonEmpty(actual["IPAMConfig"]?[key])
            if w != a { out.append("\(name) \(a ?? "unset") -> \(w ?? "unset")") }
        }
        if Set(strings(wanted["IPAMConfig"]?["LinkLocalIPs"])) != Set(strings(actual["IPAMConfig"]?["LinkLocalIPs"])) {
            out.append("link-local addresses changed")
        }
        return out
    }

    /// Whether an endpoint asks for anything beyond joining the network.
    static func isPlain(_ endpoint: Value) -> Bool {
        strings(endpoint["Aliases"]).isEmpty && strings(endpoint["Links"]).isEmpty
            && nonEmpty(endpoint["IPAMConfig"]?["IPv4Address"]) == nil
            && nonEmpty(endpoint["IPAMConfig"]?["IPv6Address"]) == nil
            && strings(endpoint["IPAMConfig"]?["LinkLocalIPs"]).isEmpty
    }

    private static func strings(_ v: Value?) -> [String] { (v?.arrayValue ?? []).compactMap(\.stringValue) }

    private static func nonEmpty(_ v: Value?) -> String? {
        guard let s = v?.stringValue, !s.isEmpty else { return nil }
        return s
    }

    private static func words(_ v: Value?) -> String {
        let items = strings(v)
        return items.isEmpty ? "none" : items.sorted().joined(separator: ", ")
    }
}
