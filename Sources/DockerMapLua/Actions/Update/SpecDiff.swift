/// The differences between the create request a container was made with and the one the map asks for now, as the
/// reasons `mc:plan("update")` shows: `image app:1 -> app:2`, `env MODE: prod -> dev`, `command a -> b`,
/// `binds + /srv/a:/a`, …
///
/// Values of environment variables whose names look secret (`*PASSWORD*`, `*TOKEN*`, …) are never shown.
enum SpecDiff {
    static func reasons(old: Value, new: Value) -> [String] {
        var out: [String] = []
        diff(old, new, path: [], into: &out)
        return out
    }

    /// Readable names of the request's fields.
    static let names: [String: String] = [
        "Image": "image", "Cmd": "command", "Entrypoint": "entrypoint", "User": "user", "Env": "env",
        "ExposedPorts": "exposed ports", "Volumes": "volumes", "Hostname": "host name", "Domainname": "domain name",
        "WorkingDir": "working dir", "Labels": "label", "StopSignal": "stop signal", "StopTimeout": "stop timeout",
        "Healthcheck": "health check", "Tty": "tty", "OpenStdin": "stdin", "NetworkDisabled": "network disabled",
        "Binds": "binds", "Links": "links", "PortBindings": "published ports", "NetworkMode": "network mode",
        "VolumesFrom": "volumes from", "Privileged": "privileged", "CapAdd": "cap add", "CapDrop": "cap drop",
        "ExtraHosts": "extra hosts", "Dns": "dns", "LogConfig": "log config", "OomKillDisable": "oom kill disable",
    ]

    static let secretWords = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "PRIVATE"]

    static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return secretWords.contains { upper.contains($0) }
    }

    private static func label(_ path: [String]) -> String {
        path.filter { $0 != "HostConfig" }.map { names[$0] ?? $0 }.joined(separator: " ")
    }

    private static func diff(_ old: Value?, _ new: Value?, path: [String], into out: inout [String]) {
        if old == new { return }
        let last = path.last
        if last == "Env" { return env(old, new, into: &out) }
        if last == "Cmd" || last == "Entrypoint" {
            return out.append("\(label(path)) \(words(old)) -> \(words(new))")
        }
        switch (old, new) {
        case (.object(let a)?, .object(let b)?):
            for key in Set(a.keys).union(b.keys).sorted() {
                diff(a[key], b[key], path: path + [key], into: &out)
            }
        case (.object(let a)?, nil) where !a.isEmpty:
            for key in a.keys.sorted() { diff(a[key], nil, path: path + [key], into: &out) }
        case (nil, .object(let b)?) where !b.isEmpty:
            for key in b.keys.sorted() { diff(nil, b[key], path: path + [key], into: &out) }
        case (.array(let a)?, .array(let b)?) where a.allSatisfy(isScalar) && b.allSatisfy(isScalar):
            let added = b.filter { !a.contains($0) }.map(text)
            let removed = a.filter { !b.contains($0) }.map(text)
            var parts: [String] = []
            if !added.isEmpty { parts.append("+ " + added.joined(separator: ", ")) }
            if !removed.isEmpty { parts.append("- " + removed.joined(separator: ", ")) }
            out.append("\(label(path)) " + (parts.isEmpty ? "reordered" : parts.joined(separator: " ")))
        default:
            let name = path.first == "Labels" ? "label \(path.dropFirst().joined(separator: "."))" : label(path)
            switch (old, new) {
            case (let o?, let n?) where isScalar(o) && isScalar(n): out.append("\(name) \(text(o)) -> \(text(n))")
            case (nil, let n?) where isScalar(n): out.append("\(name) unset -> \(text(n))")
            case (let o?, nil) where isScalar(o): out.append("\(name) \(text(o)) -> unset")
            case (nil, _): out.append("\(name) added")
            case (_, nil): out.append("\(name) removed")
            default: out.append("\(name) changed")
            }
        }
    }

    private static func env(_ old: Value?, _ new: Value?, into out: inout [String]) {
        let a = variables(old), b = variables(new)
        for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
            switch (a[key], b[key]) {
            case (nil, let v?): out.append(isSecret(key) ? "env \(key) added" : "env \(key)=\(v) added")
            case (_?, nil): out.append("env \(key) removed")
            case (let x?, let y?): out.append(isSecret(key) ? "env \(key) changed" : "env \(key): \(x) -> \(y)")
            default: break
            }
        }
    }

    private static func variables(_ value: Value?) -> [String: String] {
        var out: [String: String] = [:]
        for item in value?.arrayValue ?? [] {
            guard let s = item.stringValue else { continue }
            let (key, value) = ContainerSpec.variable(s) ?? (s, "")
            out[key] = value
        }
        return out
    }

    private static func isScalar(_ v: Value) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }

    private static func text(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        case .null: return "null"
        default: return String(decoding: v.encodeJSON(), as: UTF8.self)
        }
    }

    private static func words(_ v: Value?) -> String {
        guard let v else { return "(image default)" }
        if case .array(let items) = v { return items.map(text).joined(separator: " ") }
        return text(v)
    }
}
