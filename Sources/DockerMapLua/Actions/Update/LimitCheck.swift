/// Resource limits and the restart policy against a container's `HostConfig` (Docker-Map's `_check_limits` and
/// `_check_restart_policy`): what the engine can change in place, and what it cannot (a limit the map no longer sets
/// cannot be cleared on a running container, so it needs a new one).
struct LimitCheck: Equatable {
    /// The body of `POST /containers/{id}/update`; empty when nothing changes in place.
    var update: [String: Value] = [:]
    /// `memory 256m -> 512m (in place)`, …
    var reasons: [String] = []
    /// Limits the container has and the map no longer sets: `memory 256m set, no longer configured`.
    var resets: [String] = []

    init(wanted: [String: Value], actual host: [String: Value]) {
        var wanted = wanted
        // The engine sets the swap limit to twice the memory when only the memory is given; so does a change.
        if let memory = Self.number(wanted["Memory"]), wanted["MemorySwap"] == nil {
            if let swap = Self.number(host["MemorySwap"]), swap != -1 {
                wanted["MemorySwap"] = .int(memory * 2)
            } else if let swap = host["MemorySwap"] {
                wanted["MemorySwap"] = swap
            }
        }
        for key in ContainerSpec.limitKeys.sorted() {
            if key == "RestartPolicy" { restartPolicy(wanted[key], host[key]); continue }
            let w = Self.significant(wanted[key]), a = Self.significant(host[key])
            guard !Self.same(w, a) else { continue }
            if let w {
                update[key] = w
                reasons.append("\(Self.name(key)) \(Self.show(key, a)) -> \(Self.show(key, w)) (in place)")
            } else if let a {
                resets.append("\(Self.name(key)) \(Self.show(key, a)) set, no longer configured")
            }
        }
        // The engine refuses a memory limit above the current swap limit unless the swap limit comes along.
        if update["Memory"] != nil, update["MemorySwap"] == nil, let swap = Self.significant(wanted["MemorySwap"]) {
            update["MemorySwap"] = swap
        }
    }

    private mutating func restartPolicy(_ wanted: Value?, _ actual: Value?) {
        let w = Self.policy(wanted), a = Self.policy(actual)
        guard w.name != a.name || (w.name == "on-failure" && w.retries != a.retries) else { return }
        if w.name == nil {
            // The map no longer sets a policy: the engine's default ("no") is set in place.
            update["RestartPolicy"] = ["Name": "no"]
            reasons.append("restart policy \(a.text) -> no (in place)")
        } else {
            update["RestartPolicy"] = wanted
            reasons.append("restart policy \(a.text) -> \(w.text) (in place)")
        }
    }

    private static func policy(_ v: Value?) -> (name: String?, retries: Int64, text: String) {
        let name = v?["Name"]?.stringValue.flatMap { $0.isEmpty || $0 == "no" ? nil : $0 }
        let retries = v?["MaximumRetryCount"]?.intValue ?? 0
        let text = name.map { $0 == "on-failure" && retries > 0 ? "\($0):\(retries)" : $0 } ?? "no"
        return (name, retries, text)
    }

    /// Zero, empty and false mean "not set", as Docker-Map reads them.
    static func significant(_ v: Value?) -> Value? {
        switch v {
        case nil, .null?, .bool(false)?, .string("")?, .int(0)?: return nil
        case .double(let d)? where d == 0: return nil
        default: return v
        }
    }

    static func number(_ v: Value?) -> Int64? { significant(v)?.intValue }

    static func same(_ a: Value?, _ b: Value?) -> Bool {
        if let x = a?.intValue, let y = b?.intValue { return x == y }
        return a == b
    }

    static let byteKeys: Set<String> = ["Memory", "MemorySwap", "MemoryReservation", "KernelMemory"]

    static func name(_ key: String) -> String {
        [
            "Memory": "memory", "MemorySwap": "memory swap", "MemoryReservation": "memory reservation",
            "KernelMemory": "kernel memory", "CpuShares": "cpu shares", "CpuPeriod": "cpu period",
            "CpuQuota": "cpu quota", "CpusetCpus": "cpuset cpus", "CpusetMems": "cpuset mems", "NanoCpus": "cpus",
            "PidsLimit": "pids limit", "BlkioWeight": "blkio weight", "CpuRealtimePeriod": "cpu realtime period",
            "CpuRealtimeRuntime": "cpu realtime runtime",
        ][key] ?? key
    }

    static func show(_ key: String, _ v: Value?) -> String {
        guard let v else { return "unset" }
        if byteKeys.contains(key), let n = v.intValue { return bytes(n) }
        if key == "NanoCpus", let n = v.intValue { return String(Double(n) / 1e9) }
        if let s = v.stringValue { return s }
        if let n = v.intValue { return String(n) }
        return String(decoding: v.encodeJSON(), as: UTF8.self)
    }

    /// `268435456` → `256m`, as Docker's own units read (`k`, `m`, `g`, whole numbers only).
    static func bytes(_ n: Int64) -> String {
        if n == -1 { return "unlimited" }
        for (unit, size) in [("g", Int64(1) << 30), ("m", Int64(1) << 20), ("k", Int64(1) << 10)]
        where n >= size && n % size == 0 {
            return "\(n / size)\(unit)"
        }
        return "\(n)b"
    }
}
