import CLua

/// `dmap.dockerfile{...}`: a `Dockerfile` as a Lua object. Methods write lines; the delayed properties are fields
/// (`df.command = {...}`), read and written through the Swift model, so a bad value or a change after `finalize()`
/// fails at the assignment.
enum DockerfileBinding {
    static let metatable = "dmap.dockerfile"

    /// The constructor's options: `baseimage`, `maintainer`, `initial`, and the properties (with `cmd_user` and
    /// `cmd_workdir` as Docker-Map names them, or `command_user` and `command_workdir` as the fields are named).
    static let optionKeys: Set<String> =
        Set(["baseimage", "maintainer", "initial", "cmd_user", "cmd_workdir"]).union(Dockerfile.Property.allCases.map(\.rawValue))

    /// Read-only fields besides the properties.
    static let readOnlyFields: Set<String> = ["finalized", "files", "archives"]

    /// The names of the methods, which cannot be assigned.
    static let methodNames: Set<String> = Set(methods().map(\.0))

    /// Registers the class and sets `dmap.dockerfile` in the `dmap` table, which must be on top of the stack.
    static func install(_ state: LuaState, context: BindingContext) {
        state.registerPropertyClass(metatable, methods: methods(), get: field, set: setField)
        state.setFunction(-1, "dockerfile", qualifiedName: "dockerfile") { call in
            try create(call, context: context)
        }
    }

    /// The `Dockerfile` behind the Lua value at `index`, if it is a `dmap.dockerfile` (and not yet closed).
    static func dockerfile(at index: Int32, in state: LuaState) -> Dockerfile? {
        state.retained(at: index, as: Dockerfile.self, metatable: metatable)
    }

    /// `dmap.dockerfile([options])`.
    static func create(_ call: LuaCall, context: BindingContext) throws -> Int32 {
        let options = try ClientBinding.checkedOptions(call, 1, optionKeys)
        let baseimage: String?
        switch options["baseimage"] {
        case nil: baseimage = Dockerfile.defaultBaseImage
        case .bool(false)?: baseimage = nil
        case .string(let s)?: baseimage = s
        case let other?: throw DMapError(.usage, "dockerfile: 'baseimage' must be a string or false, got \(other.typeName)")
        }
        var maintainer: String?
        if let m = options["maintainer"] {
            guard let s = m.stringValue else {
                throw DMapError(.usage, "dockerfile: 'maintainer' must be a string, got \(m.typeName)")
            }
            maintainer = s
        }
        var properties: [Dockerfile.Property: Value] = [:]
        for (key, value) in options {
            guard let property = Dockerfile.Property(name: key) else { continue }
            if properties[property] != nil {
                let alias = property == .commandUser ? "cmd_user" : "cmd_workdir"
                throw DMapError(.usage, "dockerfile: give either '\(alias)' or '\(property.rawValue)', not both")
            }
            properties[property] = value
        }
        let dockerfile = try Dockerfile(
            baseimage: baseimage, maintainer: maintainer, initial: options["initial"] ?? .null, properties: properties,
            expansion: PathExpansion(environment: context.options.environment))
        call.state.pushRetained(dockerfile, metatable: metatable)
        return 1
    }

    // MARK: Fields

    /// `df.<key>`: a property, `finalized`, `files` (`{source=, context_path=}` each) or `archives`.
    static func field(_ call: LuaCall, _ key: String) throws -> Bool {
        guard let df = dockerfile(at: 1, in: call.state) else { return false }
        if let property = Dockerfile.Property(name: key) {
            call.state.push(df.value(of: property))
            return true
        }
        switch key {
        case "finalized": call.state.push(.bool(df.isFinalized))
        case "files":
            call.state.push(.array(df.files.map { .object(["source": .string($0.source), "context_path": .string($0.contextPath)]) }))
        case "archives": call.state.push(.array(df.archives.map(Value.string)))
        default: return false
        }
        return true
    }

    /// `df.<key> = value`: only the properties can be set.
    static func setField(_ call: LuaCall, _ key: String) throws {
        let df = try dockerfile(call)
        guard let property = Dockerfile.Property(name: key) else {
            if readOnlyFields.contains(key) { throw DMapError(.usage, "dockerfile: '\(key)' is read-only") }
            if methodNames.contains(key) {
                throw DMapError(.usage, "dockerfile: cannot set '\(key)', a method")
            }
            let names = Dockerfile.Property.allCases.map(\.rawValue)
            throw DMapError(.usage, "dockerfile: unknown property '\(key)'\(Suggest.hint(key, names))")
        }
        try df.set(property, to: try call.state.value(at: 3, path: "dockerfile.\(key)"))
    }

    // MARK: Methods

    static func dockerfile(_ call: LuaCall) throws -> Dockerfile {
        guard let df = dockerfile(at: 1, in: call.state) else { throw call.expected(1, "dmap.dockerfile") }
        return df
    }

    /// Arguments `from` to the last, each a string or a number.
    static func words(_ call: LuaCall, from first: Int32) throws -> [Value] {
        try stride(from: first, through: call.count, by: 1).map { try word(call, $0) }
    }

    static func word(_ call: LuaCall, _ position: Int32) throws -> Value {
        let t = call.state.type(at: position)
        guard t == LUA_TSTRING || t == LUA_TNUMBER else { throw call.expected(position, "string") }
        return try call.value(position)
    }

    /// Arguments `from` to the last, as values (any shape; `nil` included).
    static func values(_ call: LuaCall, from first: Int32) throws -> [Value] {
        try stride(from: first, through: call.count, by: 1).map { try call.value($0) }
    }

    static func text(_ call: LuaCall, _ position: Int32) throws -> String {
        DockerfileFormat.word(try word(call, position)) ?? ""
    }

    /// A method that writes and returns nothing.
    static func writer(_ body: @escaping (LuaCall, Dockerfile) throws -> Void) -> LuaFunction {
        { call in
            try body(call, try dockerfile(call))
            return 0
        }
    }

    static let addFileOptions: Set<String> = ["replace_space", "expandvars", "expanduser", "remove_final"]

    static func flag(_ call: LuaCall, _ options: [String: Value], _ key: String, _ position: Int32, default value: Bool) throws -> Bool {
        guard let v = options[key] else { return value }
        guard let b = v.boolValue else { throw call.bad(position, "'\(key)' must be a boolean, got \(v.typeName)") }
        return b
    }

    static func methods() -> [(String, LuaFunction)] {
        [
            ("write", writer { call, df in try df.write(try text(call, 2)) }),
            ("writeline", writer { call, df in try df.writeline(try text(call, 2)) }),
            ("writelines", writer { call, df in
                guard call.state.type(at: 2) == LUA_TTABLE else { throw call.expected(2, "table") }
                let lines: [Value]
                switch try call.value(2) {
                case .array(let items): lines = items
                case .object([:]): lines = []
                default: throw call.bad(2, "list of lines expected")
                }
                try df.writelines(lines.enumerated().map { index, line in
                    guard let w = DockerfileFormat.word(line) else {
                        throw call.bad(2, "line \(index + 1) is a \(line.typeName), not a string")
                    }
                    return w
                })
            }),
            ("blank", writer { _, df in try df.blank() }),
            ("comment", writer { call, df in try df.comment(call.isNoneOrNil(2) ? nil : try text(call, 2)) }),
            ("prefix", writer { call, df in
                try df.prefix(call.isNoneOrNil(2) ? "#" : try text(call, 2), try words(call, from: 3))
            }),
            ("prefix_all", writer { call, df in
                try df.prefixAll(call.isNoneOrNil(2) ? "#" : try text(call, 2), try values(call, from: 3))
            }),
            ("run", writer { call, df in try df.run(try words(call, from: 2)) }),
            ("run_all", writer { call, df in try df.runAll(try values(call, from: 2)) }),
            ("run_join", writer { call, df in try df.runJoin(try words(call, from: 2)) }),
            ("add_file", { call in
                // add_file(src [, dst [, ctx_path]] [, options]): the options table may follow any of the paths.
                let df = try dockerfile(call)
                let source = try call.string(2)
                var last = call.count
                while last > 2 && call.isNoneOrNil(last) { last -= 1 }
                let optionsAt: Int32? = last > 2 && call.state.type(at: last) == LUA_TTABLE ? last : nil
                let options = try optionsAt.map { try ClientBinding.checkedOptions(call, $0, addFileOptions) } ?? [:]
                let position = optionsAt ?? 5
                func path(_ i: Int32) throws -> String? { i >= position ? nil : try call.optionalString(i) }
                let contextPath = try df.addFile(
                    source, destination: try path(3), contextPath: try path(4),
                    replaceSpace: try flag(call, options, "replace_space", position, default: true),
                    expandVariables: try flag(call, options, "expandvars", position, default: false),
                    expandUser: try flag(call, options, "expanduser", position, default: false),
                    removeFinal: try flag(call, options, "remove_final", position, default: false))
                call.state.push(contextPath)
                return 1
            }),
            ("add_archive", { call in
                let df = try dockerfile(call)
                let path = try call.string(2)
                let options = try ClientBinding.checkedOptions(call, 3, ["remove_final"])
                let names = try df.addArchive(path, removeFinal: try flag(call, options, "remove_final", 3, default: false))
                call.state.push(.array(names.map(Value.string)))
                return 1
            }),
            ("add_volume", writer { call, df in try df.addVolume(try call.string(2)) }),
            ("finalize", writer { _, df in df.finalize() }),
            ("getvalue", { call in
                call.state.push(try dockerfile(call).text)
                return 1
            }),
            ("save", writer { call, df in try df.save(to: try call.string(2)) }),
        ]
    }
}

extension LuaState {
    /// Like `registerClass`, for objects whose fields are computed: `__index` asks `get` first (it pushes the value
    /// and returns `true`, or returns `false`), then looks in `methods`; `__newindex` calls `set` (which throws for
    /// what cannot be set). There is no per-object field table. `get` and `set` receive the call (object at 1, key
    /// at 2, value at 3) and the key, when it is a string.
    func registerPropertyClass(
        _ name: String, methods: [(String, LuaFunction)], get: @escaping (LuaCall, String) throws -> Bool,
        set: @escaping (LuaCall, String) throws -> Void
    ) {
        pushClassMetatable(name, methods: methods)
        setFunction(-1, "__index", qualifiedName: "\(name).__index") { call in
            let s = call.state
            if let key = s.string(at: 2), try get(call, key) { return 1 }
            guard lua_getmetatable(call.L, 1) != 0, s.rawField(-1, "__methods") == LUA_TTABLE else {
                lua_pushnil(call.L)
                return 1
            }
            lua_pushvalue(call.L, 2)
            _ = lua_rawget(call.L, -2)
            return 1
        }
        setFunction(-1, "__newindex", qualifiedName: "\(name).__newindex") { call in
            guard let key = call.state.string(at: 2) else {
                throw DMapError(.usage, "\(name): cannot set a field with a \(call.state.typeName(at: 2)) key")
            }
            try set(call, key)
            return 0
        }
        setRegistryField(name)
    }
}
