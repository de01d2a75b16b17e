import Foundation

/// What the map asked for when it made a container, kept on the container as the label `dmap.spec` so that `update`
/// compares the map with what was asked, never with what the image or the engine filled in (a working directory, the
/// image's environment, default labels…).
///
/// It has three parts, checked three ways:
/// * `create`: the create request without the parts below. Any difference means a new container.
/// * `limits`: resource limits and the restart policy, which the engine changes in place (`POST /containers/{id}/update`).
/// * `endpoints`: each network the container joins, with its endpoint settings, which change by reconnecting.
public struct ContainerSpec: Sendable, Equatable {
    /// The label that holds the spec, as compact JSON with sorted keys.
    public static let label = "dmap.spec"
    /// The format of the label; a container with another format is compared as one without a label.
    static let version = 1

    /// `HostConfig` keys the engine's update endpoint changes on a running container.
    public static let limitKeys: Set<String> = [
        "BlkioWeight", "CpuPeriod", "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpuShares", "CpusetCpus",
        "CpusetMems", "KernelMemory", "Memory", "MemoryReservation", "MemorySwap", "NanoCpus", "PidsLimit",
        "RestartPolicy",
    ]

    public var create: Value
    public var limits: [String: Value]
    /// Network Docker name → `EndpointConfig`.
    public var endpoints: [String: Value]

    public init(create: Value, limits: [String: Value], endpoints: [String: Value]) {
        self.create = create
        self.limits = limits
        self.endpoints = endpoints
    }

    /// The spec of a create request (its body without the spec label, and the endpoints it connects after create).
    public init(_ request: ContainerCreateRequest) {
        self.init(body: request.body, connects: request.connects)
    }

    init(body: Value, connects: [(network: String, body: Value)]) {
        var fields = body.objectValue ?? [:]
        var endpoints: [String: Value] = [:]
        if case .object(let first)? = fields["NetworkingConfig"]?["EndpointsConfig"] {
            for (network, endpoint) in first { endpoints[network] = endpoint }
        }
        for connect in connects { endpoints[connect.network] = connect.body["EndpointConfig"] ?? .object([:]) }
        fields["NetworkingConfig"] = nil
        if case .object(var labels)? = fields["Labels"] {
            labels[Self.label] = nil
            fields["Labels"] = .object(labels)
        }
        // Values of secret-looking variables stay out of the label (`docker ps` shows labels); update compares
        // them with the container's environment instead.
        if case .array(let env)? = fields["Env"] {
            fields["Env"] = .array(env.map { item in
                guard let s = item.stringValue, let (key, _) = Self.variable(s), SpecDiff.isSecret(key) else { return item }
                return .string(key + "=" + Self.hidden)
            })
        }
        var limits: [String: Value] = [:]
        if case .object(var host)? = fields["HostConfig"] {
            for key in Self.limitKeys { if let v = host.removeValue(forKey: key) { limits[key] = v } }
            fields["HostConfig"] = .object(host)
        }
        self.init(create: .object(fields), limits: limits, endpoints: endpoints)
    }

    /// What a secret value reads as in the label.
    static let hidden = "(hidden)"

    /// `KEY=value` → (`KEY`, `value`).
    static func variable(_ s: String) -> (String, String)? {
        guard let eq = s.firstIndex(of: "=") else { return nil }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    /// The secret-looking variables of a create request's environment, with their values.
    static func secrets(_ body: Value) -> [(String, String)] {
        (body["Env"]?.arrayValue ?? []).compactMap(\.stringValue).compactMap(variable).filter { SpecDiff.isSecret($0.0) }
    }

    /// The label's text.
    public var labelText: String {
        let value: Value = [
            "v": .int(Int64(Self.version)), "create": create, "limits": .object(limits), "endpoints": .object(endpoints),
        ]
        return String(decoding: value.encodeJSON(), as: UTF8.self)
    }

    /// The spec a container carries, or `nil` when it has none (made by something else, or by an older version).
    public init?(labelText: String) {
        guard let value = try? Value.decodeJSON(Data(labelText.utf8)),
            value["v"]?.intValue == Int64(Self.version), let create = value["create"]
        else { return nil }
        self.init(create: create, limits: value["limits"]?.objectValue ?? [:],
                  endpoints: value["endpoints"]?.objectValue ?? [:])
    }
}

extension ContainerCreateRequest {
    /// The request with its spec written into the label `dmap.spec`.
    func withSpecLabel() -> ContainerCreateRequest {
        guard case .object(var body) = body else { return self }
        var labels = body["Labels"]?.objectValue ?? [:]
        labels[ContainerSpec.label] = .string(ContainerSpec(self).labelText)
        body["Labels"] = .object(labels)
        var out = self
        out.body = .object(body)
        return out
    }
}
