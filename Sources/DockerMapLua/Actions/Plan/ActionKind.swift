/// The actions of a mapping client (contract section 5), and the order each walks the dependency graph in.
public enum ActionKind: String, Sendable, CaseIterable {
    case create, start, restart, stop, remove, startup, shutdown, kill, update
    case pullImages = "pull_images"

    /// How the action walks the map: dependencies first, dependents first, or the targets alone.
    enum Traversal { case dependencies, dependents, single }

    /// What the action's plan reads from a snapshot.
    public var observes: Set<EngineSnapshot.Part> {
        switch self {
        case .create, .startup, .pullImages, .update: return [.containers, .networks, .volumes, .images]
        case .remove, .shutdown: return [.containers, .volumes]
        case .start, .restart, .stop, .kill: return [.containers]
        }
    }

    var traversal: Traversal {
        switch self {
        case .create, .start, .startup, .pullImages, .update: return .dependencies
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

    // `update` (Docker-Map's policy options of the same names).

    /// Containers `update` makes again whatever their state (`force_update`): these, or every one with `forceAll`.
    public var forceUpdate: Set<MapItem> = []
    public var forceAll = false
    /// `update` pulls every image on its path first, then compares image ids.
    public var pullBeforeUpdate = false
    /// `update` also makes persistent containers again when they differ from the map (by default it only warns).
    public var updatePersistent = false
    /// A limit the map no longer sets cannot be cleared in place; with this, `update` leaves it instead of making
    /// the container again.
    public var skipLimitReset = false
    /// Exit codes after which a stopped container is made again rather than started.
    public var nonrecoverableExitCodes: Set<Int> = [-127, -1]
    /// How `update` looks for running exec commands: `full` (the exact command line), `partial` (contained), `none`.
    public var checkExecCommands = ExecCheck.Mode.full

    public init() {}
}
