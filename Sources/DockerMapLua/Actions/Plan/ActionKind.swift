/// The actions of a mapping client (contract section 5), and the order each walks the dependency graph in.
public enum ActionKind: String, Sendable, CaseIterable {
    case create, start, restart, stop, remove, startup, shutdown, kill
    case pullImages = "pull_images"

    /// How the action walks the map: dependencies first, dependents first, or the targets alone.
    enum Traversal { case dependencies, dependents, single }

    /// What the action's plan reads from a snapshot.
    public var observes: Set<EngineSnapshot.Part> {
        switch self {
        case .create, .startup, .pullImages: return [.containers, .networks, .volumes, .images]
        case .remove, .shutdown: return [.containers, .volumes]
        case .start, .restart, .stop, .kill: return [.containers]
        }
    }

    var traversal: Traversal {
        switch self {
        case .create, .start, .startup, .pullImages: return .dependencies
        case .stop, .remove, .shutdown: return .dependents
        case .restart, .kill: return .single
        }
    }
}

/// Docker-Map's policy options (the ones these actions read), with its defaults.
public struct ActionOptions: Sendable {
    /// `remove` and `shutdown` also remove persistent containers (Docker-Map's default: true).
    public var removePersistent = true
    /// `remove` and `shutdown` also remove the attached volumes of the containers they remove, once nothing else
    /// mounts them (Docker-Map's default: false).
    public var removeAttached = false
    /// `restart` runs the exec commands again.
    public var restartExecCommands = false
    /// `pull_images` pulls images that are there too (Docker-Map's default: true).
    public var pullAllImages = true
    /// The signal `kill` sends (the engine's default: SIGKILL).
    public var signal: String?
    /// The image of the short-lived container that sets a volume's owner and mode.
    public var coreImage = "busybox:latest"
    /// Steps that may run at once on one client.
    public var parallel = 4

    public init() {}
}
