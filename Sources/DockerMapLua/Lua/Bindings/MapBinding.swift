import CLua

/// `dmap.map(name, tbl)`: a validated container map as a Lua object (contract section 4).
enum MapBinding {
    static let metatable = "dmap.map"

    /// The Swift object behind a `dmap.map` value.
    final class MapObject {
        let map: ContainerMap
        init(_ map: ContainerMap) { self.map = map }
    }

    /// Registers the class and sets `dmap.map` in the `dmap` table, which must be on top of the stack.
    static func install(_ state: LuaState, context: BindingContext) {
        state.registerClass(metatable, methods: methods())
        let expansion = PathExpansion(environment: context.options.environment)
        state.setFunction(-1, "load_map", qualifiedName: "load_map") { call in
            let (root, source, stem) = try yaml(call, expansion)
            var name: String?
            if !call.isNoneOrNil(2) {
                let options = try ClientBinding.checkedOptions(call, 2, ["name"])
                if let given = options["name"] {
                    guard let text = given.stringValue else { throw call.bad(2, "'name' must be a string") }
                    name = text
                }
            }
            let (mapName, body) = try MapDocument.mapDocument(root, name: name, fileStem: stem, source: source)
            do {
                push(try ContainerMap.parse(name: mapName, body), call.state)
            } catch var error as DMapError where source != "<yaml>" {
                error.message = "\(source): " + error.message
                throw error
            }
            return 1
        }
        state.setFunction(-1, "load_clients", qualifiedName: "load_clients") { call in
            let (root, source, _) = try yaml(call, expansion)
            let clients = try MapDocument.clientsDocument(root, source: source)
            call.state.push(input: .dict(clients.map { (key: .string($0.name), value: $0.body) }))
            return 1
        }
        state.setFunction(-1, "map", qualifiedName: "map") { call in
            let name = try call.string(1)
            guard !name.isEmpty, !name.contains(".") else {
                throw call.bad(1, "a map name must be non-empty and without dots, got '\(name)'")
            }
            guard lua_type(call.L, 2) == LUA_TTABLE else { throw call.expected(2, "table") }
            let input = try call.state.inputValue(at: 2, path: name)
            push(try ContainerMap.parse(name: name, input), call.state)
            return 1
        }
    }

    /// The YAML document named by argument 1 (a file's path, or YAML text), parsed.
    static func yaml(_ call: LuaCall, _ expansion: PathExpansion) throws -> (InputValue, String, String?) {
        let (text, source, stem) = try MapDocument.source(pathOrText: try call.string(1))
        return (try YAMLInput.parse(text, source: source, expansion: expansion), source, stem)
    }

    static func push(_ map: ContainerMap, _ state: LuaState) {
        state.pushRetained(MapObject(map), metatable: metatable)
    }

    /// The map behind the value at `index`, if it is a `dmap.map`.
    static func map(at index: Int32, in state: LuaState) -> ContainerMap? {
        state.retained(at: index, as: MapObject.self, metatable: metatable)?.map
    }

    static func selfMap(_ call: LuaCall) throws -> ContainerMap {
        guard let map = map(at: 1, in: call.state) else { throw call.expected(1, "dmap.map") }
        return map
    }

    /// A configuration name of the map (`app`, or `app.instance` where `instance` is allowed), or a `not_found`
    /// error with the nearest name.
    static func config(_ call: LuaCall, _ map: ContainerMap, _ position: Int32, instance: Bool) throws
        -> (String, String?)
    {
        let text = try call.string(position)
        let (name, inst) = instance ? DependencyGraph.split(text) : (text, nil)
        guard let config = map.containers[name] else {
            throw DMapError(
                .notFound, "map '\(map.name)' has no container '\(name)'" + Suggest.hint(name, map.containers.keys),
                object: map.containerName(name))
        }
        if let inst, !config.instances.isEmpty, !config.instances.contains(inst) {
            throw DMapError(
                .notFound, "container '\(name)' of map '\(map.name)' has no instance '\(inst)'"
                    + Suggest.hint(inst, config.instances), object: map.containerName(name, instance: inst))
        }
        return (name, inst)
    }

    static func methods() -> [(String, LuaFunction)] {
        [
            ("name", { call in
                call.state.push(try selfMap(call).name)
                return 1
            }),
            ("containers", { call in
                let map = try selfMap(call)
                call.state.push(.array(map.containers.filter { !$0.value.isAbstract }.keys.map(Value.string)))
                return 1
            }),
            ("get", { call in
                let map = try selfMap(call)
                let (name, _) = try config(call, map, 2, instance: false)
                call.state.push(input: map.extended(name)!.input)
                return 1
            }),
            ("as_table", { call in
                call.state.push(input: try selfMap(call).input)
                return 1
            }),
            ("merge", { call in try change(call, merging: true) }),
            ("update", { call in try change(call, merging: false) }),
            ("dependencies", { call in
                let map = try selfMap(call)
                let (name, _) = try config(call, map, 2, instance: true)
                let graph = DependencyGraph(map)
                let items = try graph.resolved(name)
                var seen = Set<String>()
                let names = items.map(graph.dockerName).filter { seen.insert($0).inserted }
                call.state.push(.array(names.map(Value.string)))
                return 1
            }),
            ("image", { call in
                let map = try selfMap(call)
                let (name, _) = try config(call, map, 2, instance: false)
                call.state.push(try map.image(of: name))
                return 1
            }),
        ]
    }

    /// `m:merge(tbl [, {lists_only=}])` and `m:update(tbl)`: a new, validated map.
    static func change(_ call: LuaCall, merging: Bool) throws -> Int32 {
        let map = try selfMap(call)
        guard lua_type(call.L, 2) == LUA_TTABLE else { throw call.expected(2, "table") }
        var listsOnly = false
        if merging, !call.isNoneOrNil(3) {
            let options = try ClientBinding.checkedOptions(call, 3, ["lists_only"])
            listsOnly = try options.bool("lists_only") ?? false
        }
        let input = try call.state.inputValue(at: 2, path: map.name)
        push(try merging ? map.merged(with: input, listsOnly: listsOnly) : map.updated(with: input), call.state)
        return 1
    }
}
