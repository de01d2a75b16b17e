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
        /// `GET /containers/{id}/json`, read only when an update needs more than the listing has.
        public var details: Value?
        /// `GET /containers/{id}/top`, read only for running containers with exec commands to check.
        public var processes: Value?

        /// Running as Docker-Map reads it (`State.Running`): paused and restarting containers count.
        public var isRunning: Bool { state == "running" || state == "restarting" || state == "paused" }
        /// Never started (Docker-Map's INITIAL state).
        public var isInitial: Bool { state == "created" }
    }

    public struct Network: Sendable, Equatable {
        public var id: String
        public var name: String
        public var driver: String
        public var options: [String: String] = [:]
        public var isInternal = false
    }

    public struct Volume: Sendable, Equatable {
        public var name: String
        public var driver: String
        public var options: [String: String] = [:]
    }

    public var containers: [String: Container] = [:]
    public var networks: [String: Network] = [:]
    public var volumes: Set<String> = []
    /// The volumes with their drivers and options.
    public var volumeInfo: [String: Volume] = [:]
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
            var networkNames: [String] = []
            if case .object(let fields)? = item["NetworkSettings"]?["Networks"] { networkNames = fields.keys.sorted() }
            let volumes = (item["Mounts"]?.arrayValue ?? []).filter { $0["Type"]?.stringValue == "volume" }
                .compactMap { $0["Name"]?.stringValue }
            snapshot.containers[name] = Container(
                id: id, name: name, state: item["State"]?.stringValue ?? "", exitCode: exitCode(item["Status"]?.stringValue),
                imageID: item["ImageID"]?.stringValue ?? "", labels: strings(item["Labels"]), networks: networkNames, volumes: volumes)
        }
        for item in try await networks.arrayValue {
            guard let name = item["Name"]?.stringValue, let id = item["Id"]?.stringValue else { continue }
            snapshot.networks[name] = Network(
                id: id, name: name, driver: item["Driver"]?.stringValue ?? "", options: strings(item["Options"]),
                isInternal: item["Internal"]?.boolValue ?? false)
        }
        for item in try await volumes["Volumes"]?.arrayValue ?? [] {
            guard let name = item["Name"]?.stringValue else { continue }
            snapshot.volumes.insert(name)
            snapshot.volumeInfo[name] = Volume(
                name: name, driver: item["Driver"]?.stringValue ?? "local", options: strings(item["Options"]))
        }
        for item in try await images.arrayValue {
            guard let id = item["Id"]?.stringValue else { continue }
            for tag in (item["RepoTags"]?.arrayValue ?? []).compactMap(\.stringValue) where tag != "<none>:<none>" {
                snapshot.images[tag] = id
            }
        }
        return snapshot
    }

    /// Reads what a plan asked for beyond the listing: `inspect` (containers by name) and `top` (with `psArgs`),
    /// concurrently. Containers that are gone meanwhile are skipped.
    public mutating func observeDetails(
        _ client: DockerClient, inspect: Set<String>, top: Set<String>, psArgs: String
    ) async throws {
        let found = try await withThrowingTaskGroup(of: (String, Bool, Value?).self) { group in
            for name in inspect {
                group.addTask { (name, true, try? await client.inspectContainer(name)) }
            }
            for name in top {
                group.addTask {
                    let reply = try? await client.call(EngineRequest(
                        "GET", DockerClient.path("/containers/{}/top", name), query: [("ps_args", psArgs)], object: name))
                    return (name, false, reply)
                }
            }
            var out: [(String, Bool, Value?)] = []
            for try await item in group { out.append(item) }
            return out
        }
        for (name, isInspect, value) in found {
            if isInspect { containers[name]?.details = value ?? .null } else { containers[name]?.processes = value ?? .null }
        }
    }

    static func strings(_ v: Value?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in v?.objectValue ?? [:] { if let s = v.stringValue { out[k] = s } }
        return out
    }

    /// The id of the image `reference` names, if it is there. The engine lists Docker Hub's short names
    /// (`busybox:latest`), never `docker.io/library/…`.
    public func imageID(_ reference: String) -> String? {
        if let id = images[reference] { return id }
        if reference.contains("@") { return nil }
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/"] where reference.hasPrefix(prefix) {
            if let id = images[String(reference.dropFirst(prefix.count))] { return id }
        }
        return nil
    }

    /// `Exited (137) 5 seconds ago` → 137.
    static func exitCode(_ status: String?) -> Int? {
        guard let status, status.hasPrefix("Exited ("), let close = status.firstIndex(of: ")") else { return nil }
        return Int(status[status.index(status.startIndex, offsetBy: 8)..<close])
    }

    /// Whether `reference` (`repo:tag`, or `repo@digest`) is there.
    public func hasImage(_ reference: String) -> Bool { imageID(reference) != nil }
}
