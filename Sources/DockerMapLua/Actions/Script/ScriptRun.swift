import Foundation

/// `run_script`: a one-off container of a configuration that runs a script and is removed again (Docker-Map's
/// `ScriptMixin.run_script`). Its dependencies are brought up first by the caller; this runs the container itself.
public struct ScriptRun: Sendable {
    /// Docker-Map's options, with its defaults.
    public struct Options: Sendable {
        /// A file or directory on the engine's host, mounted into the container at `containerScriptDir`.
        public var scriptPath: String?
        public var entrypoint: Value?
        /// A string or list; `{script_path}` in it becomes the script's path inside the container.
        public var commandFormat: Value?
        /// Seconds to wait for the script; default: the configuration's `stop_timeout`, else the client's timeout.
        public var waitTimeout: Double?
        public var containerScriptDir = "/tmp/script_run"
        /// Remove a container of that name first instead of failing.
        public var removeExistingBefore = false
        /// Remove the script container when done (default), or keep it.
        public var removeCreatedAfter = true
        public var tail = "all"
        public var timestamps = false

        public init() {}
    }

    public let request: ContainerCreateRequest
    public let options: Options
    public let waitTimeout: Double

    /// The create request turned into the script container's: entrypoint and command replaced, the script's
    /// directory bound at `containerScriptDir`.
    public init(request base: ContainerCreateRequest, options: Options, defaultTimeout: Double) throws {
        var body = base.body
        var scriptInContainer: String?
        if let path = options.scriptPath {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let directory = exists && isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
            let dir = options.containerScriptDir
            scriptInContainer = exists && isDirectory.boolValue ? dir : dir + "/" + (path as NSString).lastPathComponent
            Self.append(&body, ["HostConfig", "Binds"], .string("\(directory):\(dir):rw"))
            Self.set(&body, ["Volumes", dir], .object([:]))
        }
        if let entrypoint = options.entrypoint {
            Self.set(&body, ["Entrypoint"], try Self.words(entrypoint))
        }
        if let format = options.commandFormat {
            let formatted: Value
            switch format {
            case .string(let s): formatted = .string(Self.format(s, scriptInContainer))
            case .array(let items): formatted = .array(items.map { $0.stringValue.map { .string(Self.format($0, scriptInContainer)) } ?? $0 })
            default: throw DMapError(.usage, "run_script: 'command_format' must be a string or a list of strings")
            }
            Self.set(&body, ["Cmd"], try Self.words(formatted))
        }
        var request = base
        request.body = body
        self.request = request
        self.options = options
        self.waitTimeout = options.waitTimeout ?? defaultTimeout
    }

    static func format(_ s: String, _ scriptPath: String?) -> String {
        guard let scriptPath else { return s }
        return s.replacingOccurrences(of: "{script_path}", with: scriptPath)
    }

    static func words(_ value: Value) throws -> Value {
        switch value {
        case .string(let s): return .array(try ShellWords.split(s).map(Value.string))
        case .array: return value
        default: throw DMapError(.usage, "run_script: expected a command line or a list of arguments")
        }
    }

    static func set(_ value: inout Value, _ path: [String], _ new: Value) {
        guard let key = path.first else {
            value = new
            return
        }
        guard case .object(var fields) = value else { return }
        var child = fields[key] ?? .object([:])
        set(&child, Array(path.dropFirst()), new)
        fields[key] = child
        value = .object(fields)
    }

    static func append(_ value: inout Value, _ path: [String], _ item: Value) {
        var existing: [Value] = []
        var cursor: Value? = value
        for key in path { cursor = cursor?[key] }
        if case .array(let items)? = cursor { existing = items }
        set(&value, path, .array(existing + [item]))
    }

    /// Creates, starts and waits for the script container; returns `{id, client, exit_code, log}` or, when it did
    /// not finish in time, `{id, client, error}`. The container is removed afterwards unless asked to keep it.
    public func run(on client: DockerClient, clientName: String) async throws -> Value {
        guard case .object(var options) = request.body else { return .null }
        options["name"] = .string(request.name)
        let created = try await client.createContainer(options)
        guard let id = created["Id"]?.stringValue else {
            throw DMapError(.action, "No new containers were created.", object: request.name, client: clientName)
        }
        var result: [String: Value] = ["id": .string(id), "client": .string(clientName)]
        var timedOut = false
        do {
            try await client.start(id)
            do {
                let code = try await client.wait(id, ["timeout": .double(waitTimeout)])
                result["exit_code"] = .int(code)
                let output = try await client.logs(id, [
                    "stdout": true, "stderr": true, "tail": .string(self.options.tail),
                    "timestamps": .bool(self.options.timestamps),
                ])
                result["log"] = .string(String(decoding: output.combined, as: UTF8.self))
            } catch let error as DMapError where error.kind == .timeout {
                timedOut = true
                result["error"] = "Timed out while waiting for the container to finish."
            }
        } catch {
            if self.options.removeCreatedAfter { try? await client.removeContainer(id, ["force": true]) }
            throw error
        }
        if self.options.removeCreatedAfter {
            if timedOut { try? await client.stop(id, ["t": 3]) }
            try await client.removeContainer(id, ["force": true])
        }
        return .object(result)
    }
}
