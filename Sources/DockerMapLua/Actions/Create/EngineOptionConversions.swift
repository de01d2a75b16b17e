import Foundation

/// docker-py's conversions of keyword values to Engine API JSON (`docker/types/containers.py`,
/// `docker/utils/utils.py`), on values with their functions already resolved.
enum Convert {
    static func value(_ kind: EngineOptionTables.Kind, _ v: InputValue, _ p: InputPath) throws -> Value {
        switch kind {
        case .string: return .string(try string(v, p))
        case .bool: return .bool(try bool(v, p))
        case .int: return .int(try int(v, p))
        case .bytes: return .int(try bytes(v, p))
        case .stringList: return .array(try strings(try list(v, p), p))
        case .stringMap: return try stringMap(v, p)
        case .plain: return RequestValues.json(v)
        case .command: return .array(try command(v, p).map(Value.string))
        case .environment: return try environment(v, p)
        case .labels: return try labels(v, p)
        case .exposedPorts: return try exposedPorts(v, p)
        case .volumes: return try volumes(v, p)
        case .healthcheck: return try healthcheck(v, p)
        case .user: return try user(v, p)
        case .binds: return try binds(v, p)
        case .links: return try links(v, p)
        case .volumesFrom: return try volumesFrom(v, p)
        case .portBindings: return try portBindings(v, p)
        case .restartPolicy: return try restartPolicy(v, p)
        case .extraHosts: return try extraHosts(v, p)
        case .logConfig: return try logConfig(v, p)
        case .devices: return try devices(v, p)
        case .ulimits: return try ulimits(v, p)
        case .tmpfs: return try tmpfs(v, p)
        case .deviceRequests: return try deviceRequests(v, p)
        case .ipam: return try ipam(v, p)
        case .stdinOpen, .hostOptions, .ignored, .notAllowed:
            return RequestValues.json(v)  // handled by EngineOptions
        }
    }

    static func wrong(_ p: InputPath, _ expected: String, _ v: InputValue) -> DMapError {
        RequestValues.fail(p, "expected \(expected), got \(InputReader.describe(v))")
    }

    // MARK: scalars

    static func string(_ v: InputValue, _ p: InputPath) throws -> String {
        guard let text = v.scalarText else { throw wrong(p, "a string", v) }
        return text
    }

    static func bool(_ v: InputValue, _ p: InputPath) throws -> Bool {
        guard case .bool(let b) = v else { throw wrong(p, "a boolean", v) }
        return b
    }

    static func int(_ v: InputValue, _ p: InputPath) throws -> Int64 {
        switch v {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        case .string(let s) where Int64(s) != nil: return Int64(s)!
        default: throw wrong(p, "a whole number", v)
        }
    }

    /// docker-py's `parse_bytes`: a number is bytes; a string is a number with an optional unit `b`, `k`, `m` or
    /// `g` (powers of 1024, any case, a trailing `b` after a unit allowed: `1gb`); `"1.5g"` is allowed.
    static func bytes(_ v: InputValue, _ p: InputPath) throws -> Int64 {
        switch v {
        case .int(let i): return i
        case .double(let d) where d.isFinite && abs(d) < 9.2e18: return Int64(d)
        case .string(let raw):
            var s = Array(raw.unicodeScalars)
            if s.isEmpty { return 0 }
            let letter = { (c: Unicode.Scalar) in c.properties.isAlphabetic }
            if s.count >= 2, letter(s[s.count - 2]), letter(s[s.count - 1]), s.last == "b" || s.last == "B" {
                s.removeLast()
            }
            let units: [String: Double] = ["b": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824]
            let suffix = String(s.last!).lowercased()
            var digits = String(String.UnicodeScalarView(s))
            var unit = 1.0
            if !("0"..."9").contains(s.last!) {
                guard let u = units[suffix] else {
                    throw RequestValues.fail(p, "'\(raw)' is not a size: the unit is one of b, k, m, g")
                }
                unit = u
                digits = String(String.UnicodeScalarView(s.dropLast()))
            }
            guard let number = Double(digits.trimmingCharacters(in: .whitespaces)), number.isFinite,
                abs(number * unit) < 9.2e18
            else {
                throw RequestValues.fail(p, "'\(raw)' is not a size (a number of bytes, or a number with b, k, m or g)")
            }
            return Int64(number * unit)
        default: throw wrong(p, "a size (a number of bytes, or a string such as \"512m\")", v)
        }
    }

    // MARK: tables

    /// The items as texts, each with its place for messages.
    static func strings(_ items: [InputValue], _ p: InputPath) throws -> [Value] {
        try items.enumerated().map { .string(try string($0.element, p.index($0.offset + 1))) }
    }

    /// A list, or one value as a list of one.
    static func list(_ v: InputValue, _ p: InputPath) throws -> [InputValue] {
        if let items = RequestValues.items(v) { return items }
        if v.scalarText != nil { return [v] }
        throw wrong(p, "a list", v)
    }

    static func entries(_ v: InputValue, _ p: InputPath) throws -> [(key: String, value: InputValue)] {
        guard let entries = RequestValues.entries(v) else { throw wrong(p, "a table with named fields", v) }
        return entries
    }

    /// A table of texts (`sysctls`, `storage_opt`, driver options): every value as text, `nil` left out.
    static func stringMap(_ v: InputValue, _ p: InputPath) throws -> Value {
        var out: [String: Value] = [:]
        for (key, item) in try entries(v, p) where !item.isNull { out[key] = .string(try string(item, p.key(key))) }
        return .object(out)
    }

    // MARK: create

    /// `command`, `entrypoint`: a string is split as `shlex.split` does; a list is used as it is.
    static func command(_ v: InputValue, _ p: InputPath) throws -> [String] {
        if case .string(let s) = v {
            do {
                return try ShellWords.split(s)
            } catch {
                throw RequestValues.fail(p, "cannot split the command \"\(s)\": \(error.message)")
            }
        }
        guard let items = RequestValues.items(v) else { throw wrong(p, "a command line or a list of arguments", v) }
        return try items.enumerated().map { try string($0.element, p.index($0.offset + 1)) }
    }

    /// `environment`: a table `{A = "1"}` becomes `["A=1"]` (a `nil`… value only the name); a list is used as it is.
    static func environment(_ v: InputValue, _ p: InputPath) throws -> Value {
        if let items = RequestValues.items(v) {
            return .array(try strings(items, p))
        }
        if case .string(let s) = v { return .array([.string(s)]) }
        return .array(try entries(v, p).map { key, item in
            item.isNull ? .string(key) : .string("\(key)=\(try string(item, p.key(key)))")
        })
    }

    /// `labels`: a table of texts; a list of names gives each the empty text.
    static func labels(_ v: InputValue, _ p: InputPath) throws -> Value {
        if let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) {
            var out: [String: Value] = [:]
            for (i, item) in items.enumerated() { out[try string(item, p.index(i + 1))] = "" }
            return .object(out)
        }
        return try stringMap(v, p)
    }

    /// `ports`: `80` → `80/tcp`, `"53/udp"` as it is, `{88, "udp"}` → `88/udp`.
    static func exposedPorts(_ v: InputValue, _ p: InputPath) throws -> Value {
        var out: [String: Value] = [:]
        for (i, item) in try list(v, p).enumerated() {
            let ip = p.index(i + 1)
            if let pair = RequestValues.items(item) {
                guard (1...2).contains(pair.count) else { throw wrong(ip, "a port or {port, protocol}", item) }
                let port = try string(pair[0], ip.index(1))
                let key = pair.count == 2
                    ? "\(port)/\(try string(pair[1], ip.index(2)))" : RequestValues.portKey(.string(port))
                out[key] = [:]
            } else {
                guard item.scalarText != nil else { throw wrong(ip, "a port", item) }
                out[RequestValues.portKey(item)] = [:]
            }
        }
        return .object(out)
    }

    /// `volumes`: container paths (a list, one path, or the engine's table `{["/a"] = {}}`).
    static func volumes(_ v: InputValue, _ p: InputPath) throws -> Value {
        var out: [String: Value] = [:]
        if let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) {
            for (i, item) in items.enumerated() { out[try string(item, p.index(i + 1))] = [:] }
        } else {
            for (key, _) in try entries(v, p) { out[key] = [:] }
        }
        return .object(out)
    }

    /// `healthcheck`: `{test, interval, timeout, retries, start_period}` (or the engine's names); a string test is
    /// run by the shell (`CMD-SHELL`); durations are nanoseconds or strings such as `"10s"`.
    static func healthcheck(_ v: InputValue, _ p: InputPath) throws -> Value {
        if case .string(let s) = v { return ["Test": ["CMD-SHELL", .string(s)]] }
        let names = ["test": "Test", "interval": "Interval", "timeout": "Timeout", "retries": "Retries",
                     "start_period": "StartPeriod"]
        var out: [String: Value] = [:]
        for (key, item) in try entries(v, p) where !item.isNull {
            let ip = p.key(key)
            guard let field = names[key] ?? (names.values.contains(key) ? key : nil) else {
                throw RequestValues.fail(ip, "unknown field" + Suggest.hint(key, names.keys))
            }
            switch field {
            case "Test":
                if case .string(let s) = item {
                    out[field] = ["CMD-SHELL", .string(s)]
                } else {
                    out[field] = .array(try strings(try list(item, ip), ip))
                }
            case "Retries": out[field] = .int(try int(item, ip))
            default:
                let problems = Problems()
                guard let ns = HealthCheck.nanoseconds(item, ip, InputReader(problems: problems)) else {
                    throw problems.error(for: "healthcheck") ?? wrong(ip, "a duration", item)
                }
                out[field] = .int(ns)
            }
        }
        return .object(out)
    }

    /// `user`: a name or uid; `{user, group}` becomes `user:group`.
    static func user(_ v: InputValue, _ p: InputPath) throws -> Value {
        if let pair = RequestValues.items(v), (1...2).contains(pair.count) {
            return .string(try strings(pair, p).compactMap(\.stringValue).joined(separator: ":"))
        }
        return .string(try string(v, p))
    }

    // MARK: host

    /// `binds`: a list of `host:container[:mode]`, or a table `{[host] = container}` / `{[host] = {bind, ro|mode}}`
    /// (docker-py's `convert_volume_binds`).
    static func binds(_ v: InputValue, _ p: InputPath) throws -> Value {
        if let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) {
            return .array(try strings(items, p))
        }
        return .array(try entries(v, p).map { host, item in
            let ip = p.key(host)
            guard let fields = RequestValues.entries(item), !fields.isEmpty else {
                return .string("\(host):\(try string(item, ip)):rw")
            }
            let f = Dictionary(fields, uniquingKeysWith: { _, last in last })
            guard let bind = f["bind"] else { throw RequestValues.fail(ip, "a bind needs 'bind' (the container path)") }
            if f["ro"] != nil, f["mode"] != nil { throw RequestValues.fail(ip, "a bind has either 'ro' or 'mode'") }
            var mode = "rw"
            if let ro = f["ro"] { mode = try bool(ro, ip.key("ro")) ? "ro" : "rw" }
            if let given = f["mode"] { mode = try string(given, ip.key("mode")) }
            if let propagation = try f["propagation"].map({ try string($0, ip.key("propagation")) }),
                ["rshared", "shared", "rslave", "slave", "rprivate", "private"].contains(propagation)
            {
                mode = mode.isEmpty ? propagation : "\(mode),\(propagation)"
            }
            return .string("\(host):\(try string(bind, ip.key("bind"))):\(mode)")
        })
    }

    /// `links`: `"name:alias"`, `{name, alias}`, or a table `{name = alias}`; `name:alias` each (just `name` without
    /// an alias).
    static func links(_ v: InputValue, _ p: InputPath) throws -> Value {
        func link(_ name: String, _ alias: String?) -> Value {
            .string(alias.map { $0.isEmpty ? name : "\(name):\($0)" } ?? name)
        }
        if let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) {
            return .array(try items.enumerated().map { i, item in
                let ip = p.index(i + 1)
                if let pair = RequestValues.items(item), (1...2).contains(pair.count) {
                    let named = pair.count == 2 && !pair[1].isNull && pair[1] != .bool(false)
                    let alias = named ? try string(pair[1], ip.index(2)) : nil
                    return link(try string(pair[0], ip.index(1)), alias)
                }
                return .string(try string(item, ip))
            })
        }
        return .array(try entries(v, p).map { name, alias in
            link(name, alias.isNull || alias == .bool(false) ? nil : try string(alias, p.key(name)))
        })
    }

    /// `volumes_from`: a list, or a comma-separated string.
    static func volumesFrom(_ v: InputValue, _ p: InputPath) throws -> Value {
        if case .string(let s) = v { return .array(s.split(separator: ",").map { .string(String($0)) }) }
        return .array(try strings(try list(v, p), p))
    }

    /// `port_bindings`: `{[port] = binding or {bindings…}}`; a binding is a host port, `{ip, port}`, `{ip}`, or
    /// the engine's `{HostIp, HostPort}` (docker-py's `convert_port_bindings`). In Lua a list and a tuple look the
    /// same: a pair whose first item is an address (not a number) is one binding.
    static func portBindings(_ v: InputValue, _ p: InputPath) throws -> Value {
        func isAddress(_ item: InputValue) -> Bool {
            guard case .string(let s) = item else { return false }
            return Int64(s) == nil
        }
        func binding(_ item: InputValue, _ ip: InputPath) throws -> Value {
            var hostIp = "", hostPort = ""
            if let fields = RequestValues.entries(item), !fields.isEmpty, RequestValues.items(item) == nil {
                let f = Dictionary(fields, uniquingKeysWith: { _, last in last })
                guard let port = f["HostPort"] else { throw RequestValues.fail(ip, "a port binding table needs HostPort") }
                hostPort = port.isNull ? "" : try string(port, ip.key("HostPort"))
                if let addr = f["HostIp"], !addr.isNull { hostIp = try string(addr, ip.key("HostIp")) }
            } else if let pair = RequestValues.items(item) {
                switch pair.count {
                case 2:
                    hostIp = try string(pair[0], ip.index(1))
                    hostPort = pair[1].isNull ? "" : try string(pair[1], ip.index(2))
                case 1 where isAddress(pair[0]): hostIp = try string(pair[0], ip.index(1))
                case 1: hostPort = try string(pair[0], ip.index(1))
                default: throw wrong(ip, "a host port, {ip, port} or {ip}", item)
                }
            } else if !item.isNull {
                hostPort = try string(item, ip)
            }
            return ["HostIp": .string(hostIp), "HostPort": .string(hostPort)]
        }
        var out: [String: Value] = [:]
        for (port, item) in try entries(v, p) {
            let ip = p.key(port)
            let key = port.contains("/") ? port : port + "/tcp"
            if let items = RequestValues.items(item), !items.isEmpty,
                !(items.count == 2 && isAddress(items[0]) && RequestValues.items(items[1]) == nil)
            {
                out[key] = .array(try items.enumerated().map { try binding($0.element, ip.index($0.offset + 1)) })
            } else {
                out[key] = .array([try binding(item, ip)])
            }
        }
        return .object(out)
    }

    /// `restart_policy`: `{Name, MaximumRetryCount}` (or `name`, `maximum_retry_count`), or just the name.
    static func restartPolicy(_ v: InputValue, _ p: InputPath) throws -> Value {
        if case .string(let s) = v { return ["Name": .string(s)] }
        var out: [String: Value] = [:]
        for (key, item) in try entries(v, p) where !item.isNull {
            switch key {
            case "Name", "name": out["Name"] = .string(try string(item, p.key(key)))
            case "MaximumRetryCount", "maximum_retry_count": out["MaximumRetryCount"] = .int(try int(item, p.key(key)))
            default:
                throw RequestValues.fail(p.key(key), "unknown field" + Suggest.hint(key, ["Name", "MaximumRetryCount"]))
            }
        }
        return .object(out)
    }

    /// `extra_hosts`: a table `{host = ip}` becomes `["host:ip"]`, sorted by host as docker-py does; a list as it is.
    static func extraHosts(_ v: InputValue, _ p: InputPath) throws -> Value {
        if let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) {
            return .array(try strings(items, p))
        }
        return .array(try entries(v, p).sorted { $0.key < $1.key }.map { host, ip in
            .string("\(host):\(try string(ip, p.key(host)))")
        })
    }

    /// `log_config`: `{type, config}` (or `Type`, `Config`) → `{Type, Config}`, the config's values as text.
    static func logConfig(_ v: InputValue, _ p: InputPath) throws -> Value {
        var type: Value = .null
        var config: Value = [:]
        for (key, item) in try entries(v, p) where !item.isNull {
            switch key {
            case "type", "Type": type = .string(try string(item, p.key(key)))
            case "config", "Config": config = try stringMap(item, p.key(key))
            default: throw RequestValues.fail(p.key(key), "unknown field" + Suggest.hint(key, ["type", "config"]))
            }
        }
        return ["Type": type, "Config": config]
    }

    /// `devices`: `"host[:container[:permissions]]"` each, or the engine's tables.
    static func devices(_ v: InputValue, _ p: InputPath) throws -> Value {
        .array(try list(v, p).enumerated().map { i, item in
            guard case .string(let s) = item else {
                guard RequestValues.entries(item) != nil else { throw wrong(p.index(i + 1), "a device", item) }
                return RequestValues.json(item)
            }
            let parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            return [
                "PathOnHost": .string(parts[0]), "PathInContainer": .string(parts.count > 1 ? parts[1] : parts[0]),
                "CgroupPermissions": .string(parts.count > 2 ? parts[2] : "rwm"),
            ]
        })
    }

    /// `ulimits`: `{name, soft, hard}` (or `Name`, `Soft`, `Hard`) each.
    static func ulimits(_ v: InputValue, _ p: InputPath) throws -> Value {
        .array(try list(v, p).enumerated().map { i, item in
            let ip = p.index(i + 1)
            var out: [String: Value] = [:]
            for (key, field) in try entries(item, ip) where !field.isNull {
                switch key.lowercased() {
                case "name": out["Name"] = .string(try string(field, ip.key(key)))
                case "soft": out["Soft"] = .int(try int(field, ip.key(key)))
                case "hard": out["Hard"] = .int(try int(field, ip.key(key)))
                default: throw RequestValues.fail(ip.key(key), "unknown field" + Suggest.hint(key, ["name", "soft", "hard"]))
                }
            }
            guard out["Name"] != nil else { throw RequestValues.fail(ip, "a ulimit needs a name") }
            return .object(out)
        })
    }

    /// `tmpfs`: a table `{[path] = options}`, or a list of `"path[:options]"`.
    static func tmpfs(_ v: InputValue, _ p: InputPath) throws -> Value {
        guard let items = RequestValues.items(v) ?? (v.scalarText != nil ? [v] : nil) else { return try stringMap(v, p) }
        var out: [String: Value] = [:]
        for (i, item) in items.enumerated() {
            let s = try string(item, p.index(i + 1))
            let colon = s.firstIndex(of: ":")
            out[String(s[..<(colon ?? s.endIndex)])] = .string(colon.map { String(s[s.index(after: $0)...]) } ?? "")
        }
        return .object(out)
    }

    /// `device_requests`: `{driver, count, device_ids, capabilities, options}` each (or the engine's names).
    static func deviceRequests(_ v: InputValue, _ p: InputPath) throws -> Value {
        let names = ["driver": "Driver", "count": "Count", "device_ids": "DeviceIDs", "capabilities": "Capabilities",
                     "options": "Options"]
        return .array(try list(v, p).enumerated().map { i, item in
            var out: [String: Value] = ["Driver": "", "Count": 0, "DeviceIDs": [], "Capabilities": [], "Options": [:]]
            for (key, field) in try entries(item, p.index(i + 1)) where !field.isNull {
                guard let name = names[key] ?? (names.values.contains(key) ? key : nil) else {
                    throw RequestValues.fail(p.index(i + 1).key(key), "unknown field" + Suggest.hint(key, names.keys))
                }
                out[name] = RequestValues.json(field)
            }
            return .object(out)
        })
    }

    /// A network's `ipam`: `{driver, pool_configs = {{subnet, iprange, gateway, aux_addresses}…}, options}` (or the
    /// engine's names) → `{Driver, Config, Options}`, as docker-py's `IPAMConfig` and `IPAMPool`.
    static func ipam(_ v: InputValue, _ p: InputPath) throws -> Value {
        var out: [String: Value] = ["Driver": "default", "Config": []]
        for (key, item) in try entries(v, p) where !item.isNull {
            let ip = p.key(key)
            switch key {
            case "driver", "Driver": out["Driver"] = .string(try string(item, ip))
            case "options", "Options": out["Options"] = try stringMap(item, ip)
            case "pool_configs", "Config":
                let poolNames = ["subnet": "Subnet", "iprange": "IPRange", "gateway": "Gateway",
                                 "aux_addresses": "AuxiliaryAddresses"]
                out["Config"] = .array(try list(item, ip).enumerated().map { j, pool in
                    let pp = ip.index(j + 1)
                    var o: [String: Value] = [:]
                    for (k, f) in try entries(pool, pp) where !f.isNull {
                        guard let name = poolNames[k] ?? (poolNames.values.contains(k) ? k : nil) else {
                            throw RequestValues.fail(pp.key(k), "unknown field" + Suggest.hint(k, poolNames.keys))
                        }
                        o[name] = name == "AuxiliaryAddresses" ? try stringMap(f, pp.key(k)) : .string(try string(f, pp.key(k)))
                    }
                    return .object(o)
                })
            default:
                throw RequestValues.fail(ip, "unknown field" + Suggest.hint(key, ["driver", "pool_configs", "options"]))
            }
        }
        return .object(out)
    }
}
