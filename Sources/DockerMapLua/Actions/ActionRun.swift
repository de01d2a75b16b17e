import Logging

/// The stages of an action around planning, for any caller (the Lua binding, or a Swift program):
/// `observe` every client at once, then `execute` a plan and report its steps as the contract does.
public enum ActionRun {
    /// One engine an action runs on: its client and its registry credentials.
    public struct Engine: Sendable {
        public let client: DockerClient
        public let credentials: CredentialStore
        public init(client: DockerClient, credentials: CredentialStore) {
            self.client = client
            self.credentials = credentials
        }
    }

    /// A snapshot of every engine (of `parts`), taken concurrently.
    public static func observe(
        _ engines: [String: Engine], parts: Set<EngineSnapshot.Part> = [.containers, .networks, .volumes, .images]
    ) async throws -> [String: EngineSnapshot] {
        try await withThrowingTaskGroup(of: (String, EngineSnapshot).self) { group in
            for (name, engine) in engines {
                group.addTask { (name, try await EngineSnapshot.observe(engine.client, parts: parts)) }
            }
            var out: [String: EngineSnapshot] = [:]
            for try await (name, snapshot) in group { out[name] = snapshot }
            return out
        }
    }

    /// What a pull step's engine reports, one JSON message at a time, with the name of the client that pulls.
    public typealias PullMessageHandler = @Sendable (_ client: String, _ message: Value) -> Void

    /// Runs `steps` (at most `parallel` at once per client) and returns each step done as
    /// `{client, map, config, instance, kind, name, action, result}`, in plan order. A failure is an `action`
    /// error naming the step, with those results in `results`. The messages of pulls go to `onPullMessage`, or
    /// without one, their status lines to `logger` at `debug`.
    public static func execute(
        _ steps: [PlanStep], on engines: [String: Engine], parallel: Int, label: String, logger: Logger? = nil,
        onPullMessage: PullMessageHandler? = nil
    ) async throws -> [Value] {
        let runners = Dictionary(uniqueKeysWithValues: engines.map { name, engine in
            (name, StepRunner(client: engine.client, credentials: engine.credentials, onMessage: { message in
                if let onPullMessage {
                    onPullMessage(name, message)
                } else if let status = message["status"]?.stringValue, message["id"] == nil {
                    logger?.debug("pull: \(status)")
                }
            }))
        })
        let outcome = await StepExecutor(steps: steps, parallel: parallel).run { step in
            guard let runner = runners[step.client] else { throw DMapError(.config, "no client '\(step.client)'") }
            logger?.debug("\(label): \(step.action.rawValue) \(step.kind.rawValue) \(step.name) on \(step.client) (\(step.reason))")
            return try await runner.perform(step)
        }
        let results: [Value] = outcome.done.map { index, result in
            guard case .object(var fields) = steps[index].value else { return .null }
            fields["reason"] = nil
            if result != .null { fields["result"] = result }
            return .object(fields)
        }
        if let (index, error) = outcome.failure {
            let step = steps[index]
            let cause = (error as? DMapError).map { "\($0.kind.rawValue): \($0.message)" } ?? "\(error)"
            var failure = DMapError(
                .action, "\(label): \(step.action.rawValue) \(step.kind.rawValue) \(step.name) on client \(step.client) "
                    + "failed: \(cause)", object: step.name, client: step.client, cause: cause)
            failure.status = (error as? DMapError)?.status
            failure.results = results
            throw failure
        }
        return results
    }
}
