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
            // The body is `{Container, EndpointConfig}`; the call takes the endpoint's fields.
            guard case .object(let endpoint)? = body["EndpointConfig"] ?? .object([:]) else { return .null }
            try await client.connectContainer(container, toNetwork: network, endpoint: endpoint)
            return .string(network)
        case .start(let container, let delay):
            try await client.start(container)
            if let delay, delay > 0 { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            return .null
        case .wait(let container, let state, let timeout):
            return try await waitFor(container, state, timeout: timeout)
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
        case .prepareVolume(let volume, let script, let image, let timeout):
            return try await prepare(volume: volume, script: script, image: image, timeout: timeout)
        case .createNetwork(let body):
            guard case .object(let options) = body else { return .null }
            return try await client.createNetwork(options)
        case .stop(let container, let timeout):
            // The engine stops with the container's own StopSignal (set at create from `stop_signal`), then
            // SIGKILL after `t` seconds: one request, where Docker-Map sent a kill and a wait.
            var options: [String: Value] = [:]
            if let timeout { options["t"] = .int(Int64(timeout.rounded(.up))) }
            try await client.stop(container, options)
            return .null
        case .kill(let container, let signal):
            try await client.kill(container, signal.map { ["signal": .string($0)] } ?? [:])
            return .null
        case .removeContainer(let container):
            try await client.removeContainer(container)
            return .null
        case .removeVolume(let volume):
            try await client.removeVolume(volume)
            return .null
        case .disconnect(let container, let network):
            try await client.disconnectContainer(container, fromNetwork: network, force: true)
            return .string(network)
        case .removeNetwork(let network):
            try await client.removeNetwork(network)
            return .null
        case .updateContainer(let container, let body):
            return try await client.call(EngineRequest(
                "POST", DockerClient.path("/containers/{}/update", container), body: .json(body), object: container))
        }
    }

    /// Polls the container until it is in `state`: healthy (its health check passes), running, or exited with
    /// code 0. Fails at once if it exits when it should run, and with `timeout` (naming the last health check
    /// output) if it does not get there in time.
    func waitFor(_ container: String, _ state: WaitSpec.State, timeout: Double) async throws -> Value {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var lastHealth = ""
        while true {
            let info = try await client.inspectContainer(container)
            let s = info["State"]
            let running = s?["Running"]?.boolValue ?? false
            let exitCode = s?["ExitCode"]?.intValue ?? 0
            let health = s?["Health"]?["Status"]?.stringValue
            if let log = s?["Health"]?["Log"]?.arrayValue.last, let output = log["Output"]?.stringValue {
                lastHealth = output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            switch state {
            case .healthy:
                if health == "healthy" { return .string("healthy") }
                if health == nil {
                    throw DMapError(.action, "\(container) has no health check to wait for (wait = \"healthy\")",
                        object: container, client: client.name)
                }
            case .running:
                if running { return .string("running") }
            case .exited:
                if !running {
                    guard exitCode == 0 else {
                        throw DMapError(.action, "\(container) exited with code \(exitCode)", object: container, client: client.name)
                    }
                    return .string("exited")
                }
            }
            if state != .exited, !running, s?["Restarting"]?.boolValue != true {
                throw DMapError(.action, "\(container) exited with code \(exitCode) while waiting for it to be \(state.rawValue)"
                    + (lastHealth.isEmpty ? "" : "; last health check: \(lastHealth)"), object: container, client: client.name)
            }
            guard ContinuousClock.now < deadline else {
                throw DMapError(.timeout, "\(container) was not \(state.rawValue) after \(Self.seconds(timeout)) s"
                    + (lastHealth.isEmpty ? "" : "; last health check: \(lastHealth)"), object: container, client: client.name)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    static func seconds(_ d: Double) -> String { d.rounded() == d ? String(Int(d)) : String(d) }

    /// Sets a volume's owner and mode as root in a short-lived container that mounts it (Docker-Map's
    /// preparation, which never ran in 1.1.1): create, start, wait, check the exit code, and always remove.
    func prepare(volume: String, script: String, image: String, timeout: Double?) async throws -> Value {
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
            // The client's `wait_timeout` bounds it; without one, the client's silence timeout applies.
            let code = try await client.wait(id, timeout.map { ["timeout": .double($0)] } ?? [:])
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
