import Foundation

/// What one engine holds, read once per action: every container, network, volume and image, from four listing
/// calls. Planning decides from this alone, so a run that changes nothing costs four requests per client.
public struct EngineSnapshot: Sendable {
    public struct Container: Sendable, Equatable {
        public var id: String
        public var name: String
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        public var state: String
        /// The exit code of an exited container, read from its status line (`Exited (137) 5 seconds ago`).
        public var exitCode: Int?
        public var imageID: String
        public var labels: [String: String]
        /// The networks it is connected to, by name.
        public var networks: [String]
        /// The named volumes it mounts.
        public var volumes: [String] = []

        /// Running as Docker-Map reads it (`State.Running`): paused and restarting containers count.
        public var isRunning: Bool { state == "running" || state == "restarting" || state == "paused" }
        /// Never started (Docker-Map's INITIAL state).
        public var isInitial: Bool { state == "created" }
    }

    public struct Network: Sendable, Equatable {
        public var id: String
        public var name: String
        public var driver: String
    }

    public var containers: [String: Container] = [:]
    public var networks: [String: Network] = [:]
    public var volumes: Set<String> = []
    /// `repository:tag` → image id.
    public var images: [String: String] = [:]

    public init() {}

    /// What a snapshot may hold; actions that only stop or remove containers need no images or volumes.
    public enum Part: Sendable { case containers, networks, volumes, images }

    /// Reads the engine: `GET /containers/json?all=1`, `/networks`, `/volumes`, `/images/json` (those of `parts`),
    /// concurrently.
    public static func observe(_ client: DockerClient, parts: Set<Part> = [.containers, .networks, .volumes, .images])
        async throws -> EngineSnapshot
    {
        async let containers = parts.contains(.containers) ? client.containers(["all": .bool(true)]) : .array([])
        async let networks = parts.contains(.networks) ? client.networks() : .array([])
        async let volumes = parts.contains(.volumes) ? client.volumes() : .object([:])
        async let images = parts.contains(.images) ? client.images() : .array([])
        var snapshot = EngineSnapshot()
        for item in try await containers.arrayValue {
            guard let id = item["Id"]?.stringValue else { continue }
            let names = (item["Names"]?.arrayValue ?? []).compactMap(\.stringValue).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
            // Links add names such as /web/db; the container's own name has no other slash.
            guard let name = names.first(where: { !$0.contains("/") }) else { continue }
            var labels: [String: String] = [:]
            if case .object(let fields)? = item["Labels"] {
                for (k, v) in fields { if let s = v.stringValue { labels[k] = s } }
            }
            var networkNames: [String] = []
            if case .object(let fields)? = item["NetworkSettings"]?["Networks"] { networkNames = fields.keys.sorted() }
            let volumes = (item["Mounts"]?.arrayValue ?? []).filter { $0["Type"]?.stringValue == "volume" }
                .compactMap { $0["Name"]?.stringValue }
            snapshot.containers[name] = Container(
                id: id, name: name, state: item["State"]?.stringValue ?? "", exitCode: exitCode(item["Status"]?.stringValue),
                imageID: item["ImageID"]?.stringValue ?? "", labels: labels, networks: networkNames, volumes: volumes)
        }
        for item in try await networks.arrayValue {
            guard let name = item["Name"]?.stringValue, let id = item["Id"]?.stringValue else { continue }
            snapshot.networks[name] = Network(id: id, name: name, driver: item["Driver"]?.stringValue ?? "")
        }
        for item in try await volumes["Volumes"]?.arrayValue ?? [] {
            if let name = item["Name"]?.stringValue { snapshot.volumes.insert(name) }
        }
        for item in try await images.arrayValue {
            guard let id = item["Id"]?.stringValue else { continue }
            for tag in (item["RepoTags"]?.arrayValue ?? []).compactMap(\.stringValue) where tag != "<none>:<none>" {
                snapshot.images[tag] = id
            }
        }
        return snapshot
    }

    /// `Exited (137) 5 seconds ago` → 137.
    static func exitCode(_ status: String?) -> Int? {
        guard let status, status.hasPrefix("Exited ("), let close = status.firstIndex(of: ")") else { return nil }
        return Int(status[status.index(status.startIndex, offsetBy: 8)..<close])
    }

    /// Whether `reference` (`repo:tag`, or `repo@digest`) is there.
    public func hasImage(_ reference: String) -> Bool {
        if images[reference] != nil { return true }
        if reference.contains("@") { return false }
        // The engine lists Docker Hub's short names (`busybox:latest`), never `docker.io/library/…`.
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/"] where reference.hasPrefix(prefix) {
            if images[String(reference.dropFirst(prefix.count))] != nil { return true }
        }
        return false
    }
}
