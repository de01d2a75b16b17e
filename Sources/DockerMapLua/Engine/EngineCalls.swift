import Foundation
import NIOCore

/// Plain Engine API calls returning decoded JSON, shared by every typed call below.
extension DockerClient {
    /// Sends `request` and returns the decoded reply (JSON, text, or `.null` when empty).
    public func call(_ request: EngineRequest) async throws -> Value {
        try await perform(request) { response in try await response.value() }
    }

    /// Sends `request` and discards the reply.
    public func send(_ request: EngineRequest) async throws {
        _ = try await perform(request) { response in try await response.collect(limit: 16 << 20).readableBytes }
    }

    /// Turns an options table into query parameters: booleans as `true`/`false`, tables as JSON, the rest as text.
    public static func query(_ options: [String: Value], only keys: Set<String>? = nil) -> [(String, String)] {
        options.keys.sorted().compactMap { key in
            if let keys, !keys.contains(key) { return nil }
            switch options[key]! {
            case .null: return nil
            case .bool(let b): return (key, b ? "true" : "false")
            case .int(let i): return (key, String(i))
            case .double(let d): return (key, d.rounded() == d ? String(Int64(d)) : String(d))
            case .string(let s): return (key, s)
            case .array, .object: return (key, String(decoding: options[key]!.encodeJSON(), as: UTF8.self))
            }
        }
    }

    static func path(_ format: String, _ object: String) -> String {
        format.replacingOccurrences(of: "{}", with: EngineRequest.segment(object))
    }
}

// MARK: System

extension DockerClient {
    /// `GET /version`.
    public func version() async throws -> Value { try await call(EngineRequest("GET", "/version")) }

    /// `GET /info`.
    public func info() async throws -> Value { try await call(EngineRequest("GET", "/info")) }

    /// `GET /_ping`: `true` when the engine answers `OK`.
    public func ping() async throws -> Bool {
        let reply = try await call(EngineRequest("GET", "/_ping", versioned: false))
        return reply.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) == "OK"
    }
}

// MARK: Containers

extension DockerClient {
    public func containers(_ options: [String: Value] = [:]) async throws -> Value {
        try await call(EngineRequest("GET", "/containers/json", query: Self.query(options)))
    }

    public func inspectContainer(_ id: String) async throws -> Value {
        try await call(EngineRequest("GET", Self.path("/containers/{}/json", id), object: id))
    }

    /// `POST /containers/create`: `name` and `platform` go to the query, everything else is the body.
    public func createContainer(_ options: [String: Value]) async throws -> Value {
        var body = options
        let queryKeys: Set<String> = ["name", "platform"]
        for key in queryKeys { body[key] = nil }
        return try await call(
            EngineRequest(
                "POST", "/containers/create", query: Self.query(options, only: queryKeys), body: .json(.object(body)),
                object: options["name"]?.stringValue ?? options["Image"]?.stringValue))
    }

    /// Starts a container; an already running one is not an error.
    public func start(_ id: String) async throws {
        try await send(EngineRequest("POST", Self.path("/containers/{}/start", id), object: id))
    }

    /// Stops a container (`t`: seconds before it is killed); a stopped one is not an error.
    public func stop(_ id: String, _ options: [String: Value] = [:]) async throws {
        try await send(
            EngineRequest("POST", Self.path("/containers/{}/stop", id), query: Self.query(options),
                          timeout: Self.graceTimeout(options["t"]), object: id))
    }

    public func restart(_ id: String, _ options: [String: Value] = [:]) async throws {
        try await send(
            EngineRequest("POST", Self.path("/containers/{}/restart", id), query: Self.query(options),
                          timeout: Self.graceTimeout(options["t"]), object: id))
    }

    public func kill(_ id: String, _ options: [String: Value] = [:]) async throws {
        try await send(EngineRequest("POST", Self.path("/containers/{}/kill", id), query: Self.query(options), object: id))
    }

    /// Waits for a container (by default until it is not running) and returns its exit code.
    /// `timeout` (seconds) bounds the wait; without it the wait is unbounded.
    public func wait(_ id: String, _ options: [String: Value] = [:]) async throws -> Int64 {
        var query = options
        let seconds = query.removeValue(forKey: "timeout")
        let timeout = try Self.secondsOption(seconds) ?? .hours(24 * 365)
        let reply = try await call(
            EngineRequest("POST", Self.path("/containers/{}/wait", id), query: Self.query(query), timeout: timeout,
                          object: id))
        if let message = reply["Error"]?["Message"]?.stringValue, !message.isEmpty {
            throw DMapError(.engine, message, object: id, client: name)
        }
        return reply["StatusCode"]?.intValue ?? -1
    }

    public func removeContainer(_ id: String, _ options: [String: Value] = [:]) async throws {
        try await send(EngineRequest("DELETE", Self.path("/containers/{}", id), query: Self.query(options), object: id))
    }

    /// A `timeout` option in seconds (integer or fractional); `nil` when absent, `dmap.null` or not positive. Any
    /// other type is a `usage` error (it must not silently mean "no limit").
    static func secondsOption(_ value: Value?) throws -> TimeAmount? {
        switch value {
        case .int(let i)? where i > 0: return .seconds(i)
        case .double(let d)? where d > 0: return .nanoseconds(Int64(d * 1e9))
        case nil, .null?, .int?, .double?: return nil
        case let v?: throw DMapError(.usage, "option 'timeout' must be a number of seconds, got \(v.typeName)")
        }
    }

    /// A stop or restart may take its grace period plus the client's timeout before the engine answers.
    static func graceTimeout(_ t: Value?) -> TimeAmount? {
        guard let seconds = t?.intValue else { return nil }
        return .seconds(seconds + 60)
    }

    /// The container's output so far, demultiplexed (or raw, for a container with a TTY).
    public func logs(_ id: String, _ options: [String: Value] = [:]) async throws -> ContainerOutput {
        var query = options
        if query["stdout"] == nil { query["stdout"] = true }
        if query["stderr"] == nil { query["stderr"] = true }
        query["follow"] = false
        let tty = try await inspectContainer(id)["Config"]?["Tty"]?.boolValue ?? false
        return try await perform(
            EngineRequest("GET", Self.path("/containers/{}/logs", id), query: Self.query(query), object: id)
        ) { response in
            try await Self.readOutput(&response, raw: tty)
        }
    }

    /// Reads a multiplexed (or, with `raw`, plain) output stream to its end.
    static func readOutput(_ response: inout EngineResponse, raw: Bool) async throws -> ContainerOutput {
        var output = ContainerOutput()
        var frames = FrameDecoder()
        while let chunk = try await response.next() {
            if raw {
                output.stdout.append(contentsOf: chunk.readableBytesView)
                output.combined.append(contentsOf: chunk.readableBytesView)
                continue
            }
            for (stream, payload) in try frames.feed(chunk) {
                switch stream {
                case .stdout, .stdin: output.stdout.append(contentsOf: payload.readableBytesView)
                case .stderr: output.stderr.append(contentsOf: payload.readableBytesView)
                case .systemError:
                    throw DMapError(.engine, String(decoding: payload.readableBytesView, as: UTF8.self))
                }
                output.combined.append(contentsOf: payload.readableBytesView)
            }
        }
        if frames.leftover > 0 {
            throw DMapError(.connection, "the engine's output stream was cut off in the middle of a frame")
        }
        return output
    }
}

/// A container's (or an exec's) output: each stream on its own, and both in the order the engine sent them.
public struct ContainerOutput: Sendable {
    public var stdout: [UInt8] = []
    public var stderr: [UInt8] = []
    public var combined: [UInt8] = []
}

extension DockerClient {
}

// MARK: Exec

extension DockerClient {
    /// `POST /containers/{id}/exec`; returns the exec id. Output is attached unless the options say otherwise.
    public func execCreate(_ id: String, _ options: [String: Value]) async throws -> String {
        var body = options
        if body["AttachStdout"] == nil { body["AttachStdout"] = true }
        if body["AttachStderr"] == nil { body["AttachStderr"] = true }
        let reply = try await call(
            EngineRequest("POST", Self.path("/containers/{}/exec", id), body: .json(.object(body)), object: id))
        guard let execID = reply["Id"]?.stringValue else {
            throw DMapError(.engine, "the engine did not return an exec id", object: id, client: name)
        }
        return execID
    }

    /// Runs an exec to its end; returns its output and exit code.
    public func execStart(_ execID: String, _ options: [String: Value] = [:]) async throws -> (
        stdout: [UInt8], stderr: [UInt8], exitCode: Int64
    ) {
        let tty = options["Tty"]?.boolValue ?? false
        let timeout = try Self.secondsOption(options["timeout"]) ?? .hours(24 * 365)
        let output = try await perform(
            EngineRequest(
                "POST", Self.path("/exec/{}/start", execID), body: .json(["Detach": false, "Tty": .bool(tty)]),
                timeout: timeout, object: execID)
        ) { response in
            try await Self.readOutput(&response, raw: tty)
        }
        let state = try await call(EngineRequest("GET", Self.path("/exec/{}/json", execID), object: execID))
        return (output.stdout, output.stderr, state["ExitCode"]?.intValue ?? -1)
    }
}

// MARK: Images

extension DockerClient {
    public func images(_ options: [String: Value] = [:]) async throws -> Value {
        try await call(EngineRequest("GET", "/images/json", query: Self.query(options)))
    }

    public func inspectImage(_ id: String) async throws -> Value {
        try await call(EngineRequest("GET", Self.path("/images/{}/json", id), object: id))
    }

    /// `DELETE /images/{id}`: returns the engine's list of untagged and deleted images.
    public func removeImage(_ id: String, _ options: [String: Value] = [:]) async throws -> Value {
        try await call(EngineRequest("DELETE", Self.path("/images/{}", id), query: Self.query(options), object: id))
    }

    /// Tags `image` as `repository:tag`.
    public func tag(_ image: String, repository: String, tag: String?, force: Bool = false) async throws {
        var query = [("repo", repository)]
        if let tag { query.append(("tag", tag)) }
        if force { query.append(("force", "true")) }
        try await send(EngineRequest("POST", Self.path("/images/{}/tag", image), query: query, object: image))
    }
}

// MARK: Networks

extension DockerClient {
    public func networks(_ options: [String: Value] = [:]) async throws -> Value {
        try await call(EngineRequest("GET", "/networks", query: Self.query(options)))
    }

    public func inspectNetwork(_ id: String) async throws -> Value {
        try await call(EngineRequest("GET", Self.path("/networks/{}", id), object: id))
    }

    public func createNetwork(_ options: [String: Value]) async throws -> Value {
        var body = options
        if body["CheckDuplicate"] == nil { body["CheckDuplicate"] = true }
        return try await call(
            EngineRequest("POST", "/networks/create", body: .json(.object(body)), object: options["Name"]?.stringValue))
    }

    public func removeNetwork(_ id: String) async throws {
        try await send(EngineRequest("DELETE", Self.path("/networks/{}", id), object: id))
    }

    /// Connects a container; `endpoint` is the Engine API's `EndpointConfig`.
    public func connectContainer(_ container: String, toNetwork network: String, endpoint: [String: Value] = [:])
        async throws
    {
        try await send(
            EngineRequest(
                "POST", Self.path("/networks/{}/connect", network),
                body: .json(["Container": .string(container), "EndpointConfig": .object(endpoint)]), object: network))
    }

    public func disconnectContainer(_ container: String, fromNetwork network: String, force: Bool = false) async throws
    {
        try await send(
            EngineRequest(
                "POST", Self.path("/networks/{}/disconnect", network),
                body: .json(["Container": .string(container), "Force": .bool(force)]), object: network))
    }
}

// MARK: Volumes

extension DockerClient {
    public func volumes(_ options: [String: Value] = [:]) async throws -> Value {
        try await call(EngineRequest("GET", "/volumes", query: Self.query(options)))
    }

    public func inspectVolume(_ name: String) async throws -> Value {
        try await call(EngineRequest("GET", Self.path("/volumes/{}", name), object: name))
    }

    public func createVolume(_ options: [String: Value]) async throws -> Value {
        try await call(
            EngineRequest("POST", "/volumes/create", body: .json(.object(options)), object: options["Name"]?.stringValue))
    }

    public func removeVolume(_ name: String, _ options: [String: Value] = [:]) async throws {
        try await send(EngineRequest("DELETE", Self.path("/volumes/{}", name), query: Self.query(options), object: name))
    }
}
