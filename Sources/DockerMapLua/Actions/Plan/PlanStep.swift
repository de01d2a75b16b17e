/// One thing an action does to one engine: pull an image, create a network, start a container… A plan is an array
/// of steps in a deterministic order; `after` names the steps (by index) that must be done first.
public struct PlanStep: Sendable {
    public enum Action: String, Sendable {
        case pull, create, connect, disconnect, start, wait, exec, prepare, stop, kill, remove, update
    }

    /// The client (host) by name: `__default__` or a key of the mapping client's `clients`.
    public var client: String
    public var map: String
    /// The configuration (containers, networks, a volume's parent), or the repository of an image.
    public var config: String
    /// The instance (containers), the alias (volumes) or the tag (images).
    public var instance: String?
    public var kind: MapItem.Kind
    /// The Docker name of what the step acts on.
    public var name: String
    public var action: Action
    /// Why the step is needed: `absent`, `stopped`, `running`, `image missing`, …
    public var reason: String
    /// Steps that must be done before this one.
    public var after: [Int] = []
    /// What to send to the engine.
    public var work: StepWork

    public init(
        client: String, item: MapItem, name: String, action: Action, reason: String, work: StepWork
    ) {
        self.client = client
        self.map = item.map
        self.config = item.config
        self.instance = item.instance
        self.kind = item.kind
        self.name = name
        self.action = action
        self.reason = reason
        self.work = work
    }

    /// The step as a value: `{client, map, config, instance, kind, name, action, reason}`.
    public var value: Value {
        var fields: [String: Value] = [
            "client": .string(client), "map": .string(map), "config": .string(config), "kind": .string(kind.rawValue),
            "name": .string(name), "action": .string(action.rawValue), "reason": .string(reason),
        ]
        if let instance { fields["instance"] = .string(instance) }
        return .object(fields)
    }
}

/// The engine calls behind a step, with every value resolved (no functions left).
public enum StepWork: Sendable {
    case pull(image: String)
    case createContainer(name: String, body: Value)
    case connect(container: String, network: String, body: Value)
    case start(container: String, delay: Double?)
    /// Waits until the container is healthy, running, or has exited (successfully), within `timeout` seconds.
    case wait(container: String, state: WaitSpec.State, timeout: Double)
    /// Each command is started detached (it may run on); the result is the exec ids.
    case exec(container: String, commands: [Value])
    case createVolume(body: Value)
    /// chown/chmod through a short-lived container of `image` with the volume mounted.
    case prepareVolume(volume: String, script: String, image: String, timeout: Double?)
    case createNetwork(body: Value)
    /// `stop` with `timeout`: the engine sends the container's own stop signal, then SIGKILL.
    case stop(container: String, timeout: Double?)
    case kill(container: String, signal: String?)
    case removeContainer(container: String)
    case removeVolume(volume: String)
    /// `POST /networks/{network}/disconnect`, forced (the container may be stopped).
    case disconnect(container: String, network: String)
    case removeNetwork(network: String)
    /// `POST /containers/{container}/update`: limits and the restart policy, in place.
    case updateContainer(container: String, body: Value)
}
