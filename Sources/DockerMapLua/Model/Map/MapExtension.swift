import OrderedCollections

/// Inheritance: Docker-Map's `get_extended` and `get_extended_map`.
extension ContainerMap {
    /// Configuration `name` with everything it `extends` merged in, in order and recursively; `abstract` is its own
    /// and `extends` is emptied. `nil` when there is no such configuration.
    public func extended(_ name: String) -> ContainerConfig? {
        var cache: [String: ContainerConfig] = [:]
        return extended(name, &cache, [])
    }

    /// Every non-abstract configuration, extended, in the map's order.
    public func extendedConfigs() -> OrderedDictionary<String, ContainerConfig> {
        var cache: [String: ContainerConfig] = [:]
        var out: OrderedDictionary<String, ContainerConfig> = [:]
        for (name, config) in containers where !config.isAbstract {
            out[name] = extended(name, &cache, [])
        }
        return out
    }

    private func extended(_ name: String, _ cache: inout [String: ContainerConfig], _ visiting: [String])
        -> ContainerConfig?
    {
        if let done = cache[name] { return done }
        guard let config = containers[name] else { return nil }
        guard !config.extends.isEmpty else { return config }
        var result = ContainerConfig()
        for base in config.extends where !visiting.contains(base) && base != name {
            if let baseConfig = extended(base, &cache, visiting + [name]) { result.merge(baseConfig) }
        }
        result.merge(config)
        result.abstract = config.abstract
        cache[name] = result
        return result
    }
}
