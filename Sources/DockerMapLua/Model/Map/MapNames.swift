/// The names a map gives Docker objects (Docker-Map's `cname`, `aname`, `nname`, `get_hostname`, `get_image`).
extension ContainerMap {
    /// The networks Docker provides, never created, removed or prefixed.
    public static let presetNetworks: Set<String> = ["bridge", "host", "none"]
    /// The name of the default client.
    public static let defaultClientName = "__default__"

    /// `map.config` or `map.config.instance`.
    public func containerName(_ config: String, instance: String? = nil) -> String {
        instance.map { "\(name).\(config).\($0)" } ?? "\(name).\(config)"
    }

    /// The attached volume `alias` of container configuration `parent`: `map.alias`, or `map.parent.alias` with
    /// `use_attached_parent_name`.
    public func volumeName(_ alias: String, parent: String) -> String {
        useAttachedParentName == true ? "\(name).\(parent).\(alias)" : "\(name).\(alias)"
    }

    /// `map.network`, or the preset networks `bridge`, `host`, `none` as they are.
    public func networkName(_ network: String) -> String {
        Self.presetNetworks.contains(network) ? network : "\(name).\(network)"
    }

    /// The host name of a container: `_` and `.` become `-`, and `-client` is added off the default client.
    public static func hostname(_ containerName: String, client: String? = nil) -> String {
        func clean(_ s: String) -> String {
            s.replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
        }
        guard let client, client != defaultClientName else { return clean(containerName) }
        return clean(containerName) + "-" + clean(client)
    }

    /// The image reference of `image` (the configuration name when it names none), resolved as Docker-Map's
    /// `get_image` does: a name with `/` stays, `/name` drops the slash, others get `repository/` in front; the tag is
    /// the one given, else `default_tag`, else `latest`. Unlike Docker-Map, the port of `host:5000/app` is not taken
    /// for a tag, and a digest reference is left as it is. Resolves functions.
    public func imageReference(_ image: String) throws -> (repository: String, tag: String) {
        var repo = image
        var tag = ""
        if let at = image.firstIndex(of: "@") {
            repo = String(image[..<at])
            tag = String(image[at...])
        } else if let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") {
            repo = String(image[..<colon])
            tag = String(image[image.index(after: colon)...])
        }
        if repo.hasPrefix("/") {
            repo.removeFirst()
        } else if !repo.contains("/"), let prefix = try repository.map(Self.resolveText), !prefix.isEmpty {
            repo = "\(prefix)/\(repo)"
        }
        if tag.isEmpty {
            let fallback = try defaultTag.map(Self.resolveText) ?? ""
            tag = fallback.isEmpty ? "latest" : fallback
        }
        return (repo, tag)
    }

    /// `repo:tag` (or `repo@digest`) of a container configuration's image.
    /// The image of configuration `config` (extended: an image written in a base counts).
    public func image(of config: String) throws -> String {
        let (repo, tag) = try imageReference(of: config, extended(config))
        return Self.reference(repo, tag)
    }

    /// The repository and tag of a configuration's image: its `image` (resolved), or its name when that is unset
    /// or empty.
    func imageReference(of name: String, _ config: ContainerConfig?) throws -> (repository: String, tag: String) {
        let configured = try config?.image.map(Self.resolveText)
        return try imageReference(configured.flatMap { $0.isEmpty ? nil : $0 } ?? name)
    }

    /// `repo:tag`, or `repo@digest`.
    static func reference(_ repository: String, _ tag: String) -> String {
        tag.hasPrefix("@") ? repository + tag : "\(repository):\(tag)"
    }

    /// The text of a value that may be a function.
    static func resolveText(_ value: InputValue) throws -> String {
        let resolved = try Self.resolve(value)
        guard let text = resolved.scalarText else {
            throw DMapError(.config, "expected a string, but a function gave \(InputReader.describe(resolved))")
        }
        return text
    }

    /// A value with a function at its top resolved.
    static func resolve(_ value: InputValue) throws -> InputValue {
        if case .lazy(let lazy) = value { return try lazy.resolve() }
        return value
    }
}
