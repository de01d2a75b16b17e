import NIOCore

/// Performs one step on its engine and returns the engine's reply (the result the action reports).
struct StepRunner: Sendable {
    let client: DockerClient
    let credentials: CredentialStore
    /// Where pull progress goes (status lines and per-layer progress), if anywhere.
    let onMessage: DockerClient.ProgressHandler?

    func perform(_ step: PlanStep) async throws -> Value {
        switch step.work {
        case .pull(let image):
            let header = try credentials.header(forImage: image)
            let forward = onMessage ?? { _ in }
            if let message = try await client.pull(image, auth: header, onMessage: forward) {
                let kind: DMapError.Kind = DockerClient.looksLikeAuth(message) ? .auth : .engine
                throw DMapError(kind, message, object: image, client: client.name)
            }
            return .string(image)
        case .createContainer(let name, let body):
            guard case .object(var options) = body else { return .null }
            options["name"] = .string(name)
            return try await client.createContainer(options)
        case .connect(let container, let network, let body):
            guard case .object(let endpoint) = body else { return .null }
            try await client.connectContainer(container, toNetwork: network, endpoint: endpoint)
            return .string(network)
        case .start(let container, let delay):
            try await client.start(container)
            if let delay, delay > 0 { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            return .null
        case .exec(let container, let commands):
            var ids: [Value] = []
            for command in commands {
                guard case .object(let body) = command else { continue }
                let id = try await client.execCreate(container, body)
                try await client.send(EngineRequest(
                    "POST", DockerClient.path("/exec/{}/start", id), body: .json(["Detach": true, "Tty": false]),
                    object: id))
                ids.append(.string(id))
            }
            return .array(ids)
        case .createVolume(let body):
            guard case .object(let options) = body else { return .null }
            return try await client.createVolume(options)
        case .prepareVolume(let volume, let script, let image):
            return try await prepare(volume: volume, script: script, image: image)
        case .createNetwork(let body):
            guard case .object(let options) = body else { return .null }
            return try await client.createNetwork(options)
        case .stop(let container, let timeout, let signal):
            if let signal, !["SIGTERM", "TERM", "15"].contains(signal.uppercased()) {
                try await client.kill(container, ["signal": .string(signal)])
                let seconds = timeout ?? 10
                do {
                    _ = try await client.wait(container, ["timeout": .double(seconds)])
                } catch let error as DMapError where error.kind == .timeout {
                    // Docker-Map has no fallback here; a container that ignores its stop signal is killed.
                    try await client.kill(container)
                }
            } else {
                var options: [String: Value] = [:]
                if let timeout { options["t"] = .int(Int64(timeout.rounded(.up))) }
                try await client.stop(container, options)
            }
            return .null
        case .kill(let container, let signal):
            try await client.kill(container, signal.map { ["signal": .string($0)] } ?? [:])
            return .null
        case .removeContainer(let container):
            try await client.removeContainer(container)
            return .null
        }
    }

    /// Sets a volume's owner and mode as root in a short-lived container that mounts it (Docker-Map's
    /// preparation, which never ran in 1.1.1): create, start, wait, check the exit code, and always remove.
    func prepare(volume: String, script: String, image: String) async throws -> Value {
        let mount = "/volume-tmp"
        let created = try await client.createContainer([
            "Image": .string(image), "Cmd": ["sh", "-c", .string(script)], "User": "root", "NetworkDisabled": true,
            "Labels": ["dmap.preparation": .string(volume)],
            "HostConfig": ["Binds": .array([.string("\(volume):\(mount)")])],
        ])
        guard let id = created["Id"]?.stringValue else {
            throw DMapError(.engine, "the engine did not return a container id", object: volume, client: client.name)
        }
        do {
            try await client.start(id)
            let code = try await client.wait(id)
            if code != 0 {
                let output = try? await client.logs(id, ["stdout": true, "stderr": true])
                let text = output.map { String(decoding: $0.combined, as: UTF8.self) } ?? ""
                throw DMapError(.action, "preparing volume \(volume) failed (exit code \(code)): \(text)",
                    object: volume, client: client.name)
            }
        } catch {
            try? await client.removeContainer(id, ["force": true])
            throw error
        }
        try await client.removeContainer(id, ["force": true])
        return .string(script)
    }
}
