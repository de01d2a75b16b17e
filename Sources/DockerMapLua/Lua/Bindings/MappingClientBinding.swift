import CLua
import OrderedCollections

/// `dmap.mapping_client{...}`: maps and the hosts they run on, and the actions on them (contract section 5).
/// Each action is "observe, plan, execute": one snapshot per client, the plan made here on the Lua thread (where
/// the maps' functions can be called), then the steps run on the engines; `mc:plan` stops before the last stage.
enum MappingClientBinding {
    static let metatable = "dmap.mapping_client"

    final class MappingClientObject {
        var maps: OrderedDictionary<String, ContainerMap>
        var defaultMap: String?
        var clients: [String: ClientConfigBinding.ClientConfigObject]
        /// Default action options (`options = {...}`), under every call's own.
        var defaults: [String: Value]

        init(maps: OrderedDictionary<String, ContainerMap>, defaultMap: String?,
             clients: [String: ClientConfigBinding.ClientConfigObject], defaults: [String: Value]) {
            self.maps = maps
            self.defaultMap = defaultMap
            self.clients = clients
            self.defaults = defaults
        }
    }

    /// The options actions take: what they use, and Docker-Map's other policy options (accepted; used by `update`).
    static let optionKeys: Set<String> = [
        "instances", "map", "parallel", "remove_persistent", "remove_attached", "restart_exec_commands",
        "pull_all_images", "signal", "core_image", "nonrecoverable_exit_codes", "force_update", "pull_before_update",
        "update_persistent", "skip_limit_reset", "check_exec_commands", "prepare_local", "pull_insecure_registry",
    ]

    static func install(_ state: LuaState, context: BindingContext) {
        var methods: [(String, LuaFunction)] = ActionKind.allCases.map { action in
            (action.rawValue, { call in try run(call, action, context: context, planOnly: false) })
        }
        methods.append(("plan", { call in
            let name = try call.string(2)
            guard let action = ActionKind(rawValue: name) else {
                throw call.bad(2, "unknown action '\(name)'" + Suggest.hint(name, ActionKind.allCases.map(\.rawValue)))
            }
            lua_rotate(call.L, 2, -1)
            lua_settop(call.L, -2)
            return try run(call, action, context: context, planOnly: true)
        }))
        methods.append(("run_script", { call in try runScript(call, context: context) }))
        methods.append(("refresh_names", { _ in 0 }))
        methods.append(("list_persistent_containers", { call in
            let mc = try object(call)
            let only = try call.optionalString(2)
            var names: [Value] = []
            for (name, map) in mc.maps where only == nil || only == name {
                let graph = DependencyGraph(map)
                for (config, c) in graph.configs {
                    for volume in c.attaches { names.append(.string(map.volumeName(volume.name, parent: config))) }
                    if c.persistent == true {
                        names += graph.containerItems(config).map { .string(graph.dockerName($0)) }
                    }
                }
            }
            call.state.push(.array(names))
            return 1
        }))
        state.registerPropertyClass(metatable, methods: methods, get: field, set: setField)
        state.setFunction(-1, "mapping_client", qualifiedName: "mapping_client") { call in
            try create(call, context: context)
        }
    }

    static func object(_ call: LuaCall) throws -> MappingClientObject {
        guard let mc = call.state.retained(at: 1, as: MappingClientObject.self, metatable: metatable) else {
            throw call.expected(1, "dmap.mapping_client")
        }
        return mc
    }

    static func field(_ call: LuaCall, _ key: String) throws -> Bool {
        guard key == "default_map", let mc = call.state.retained(at: 1, as: MappingClientObject.self, metatable: metatable)
        else { return false }
        if let name = mc.defaultMap { call.state.push(name) } else { lua_pushnil(call.L) }
        return true
    }

    static func setField(_ call: LuaCall, _ key: String) throws {
        let mc = try object(call)
        guard key == "default_map" else { throw DMapError(.usage, "dmap.mapping_client: cannot set '\(key)'") }
        if call.isNoneOrNil(3) {
            mc.defaultMap = nil
            return
        }
        let name = try call.string(3)
        guard mc.maps[name] != nil else {
            throw DMapError(.usage, "default_map: no map '\(name)'" + Suggest.hint(name, mc.maps.keys))
        }
        mc.defaultMap = name
    }

    /// `dmap.mapping_client{maps=, client=, clients=, options=}` or `dmap.mapping_client(map[, client])`.
    static func create(_ call: LuaCall, context: BindingContext) throws -> Int32 {
        let state = call.state
        var maps: OrderedDictionary<String, ContainerMap> = [:]
        var single = false
        var clients: [String: ClientConfigBinding.ClientConfigObject] = [:]
        var defaults: [String: Value] = [:]
        var chosenDefault: String?
        // Arguments 1 and 2, then the table of hosts given as dmap.client (see MappingClientHooks).
        lua_settop(call.L, 2)
        lua_createtable(call.L, 0, 0)
        func addMaps(at index: Int32) throws {
            if let m = MapBinding.map(at: index, in: state) {
                maps[m.name] = m
                single = true
                return
            }
            guard lua_type(call.L, index) == LUA_TTABLE else {
                throw DMapError(.usage, "mapping_client: 'maps' must be a dmap.map or a table of them")
            }
            let t = state.absolute(index)
            lua_pushnil(call.L)
            while lua_next(call.L, t) != 0 {
                defer { state.pop() }
                guard let m = MapBinding.map(at: -1, in: state) else {
                    throw DMapError(.usage, "mapping_client: 'maps' holds a \(state.typeName(at: -1)), not a dmap.map")
                }
                maps[m.name] = m
            }
        }
        if MapBinding.map(at: 1, in: state) != nil {
            try addMaps(at: 1)
            if !call.isNoneOrNil(2) {
                clients[ContainerMap.defaultClientName] = try ClientConfigBinding.host(
                    call, 2, name: ContainerMap.defaultClientName, context: context)
                keepHookOwner(state, 2, name: ContainerMap.defaultClientName)
            }
        } else {
            guard lua_type(call.L, 1) == LUA_TTABLE else { throw call.expected(1, "dmap.map or table") }
            let keys: Set<String> = ["maps", "client", "clients", "options", "default_map"]
            lua_pushnil(call.L)
            while lua_next(call.L, 1) != 0 {
                defer { state.pop() }
                let key = state.string(at: -2) ?? ""
                if !keys.contains(key) { throw call.bad(1, "unknown option '\(key)'" + Suggest.hint(key, keys)) }
            }
            if state.rawField(1, "maps") != LUA_TNIL { try addMaps(at: -1) }
            state.pop()
            if state.rawField(1, "client") != LUA_TNIL {
                clients[ContainerMap.defaultClientName] = try ClientConfigBinding.host(
                    call, -1, name: ContainerMap.defaultClientName, context: context)
                keepHookOwner(state, -1, name: ContainerMap.defaultClientName)
            }
            state.pop()
            if state.rawField(1, "clients") == LUA_TTABLE {
                let t = state.absolute(-1)
                lua_pushnil(call.L)
                while lua_next(call.L, t) != 0 {
                    defer { state.pop() }
                    guard let name = state.string(at: -2) else {
                        throw DMapError(.usage, "mapping_client: 'clients' is a table of name = client")
                    }
                    clients[name] = try ClientConfigBinding.host(call, -1, name: name, context: context)
                    keepHookOwner(state, -1, name: name)
                }
            }
            state.pop()
            if state.rawField(1, "default_map") != LUA_TNIL {
                guard let name = state.string(at: -1) else { throw DMapError(.usage, "mapping_client: 'default_map' must be a map name") }
                chosenDefault = name
            }
            state.pop()
            if state.rawField(1, "options") != LUA_TNIL {
                guard case .object(let o) = try state.value(at: -1, path: "mapping_client.options") else {
                    throw DMapError(.usage, "mapping_client: 'options' must be a table")
                }
                for key in o.keys.sorted() where !optionKeys.contains(key) {
                    throw DMapError(.usage, "mapping_client: unknown option 'options.\(key)'" + Suggest.hint(key, optionKeys))
                }
                defaults = o
            }
            state.pop()
        }
        guard !maps.isEmpty else { throw DMapError(.usage, "mapping_client: no maps given") }
        // Every client a map names must be there; the default client is the runtime's engine unless given.
        if clients[ContainerMap.defaultClientName] == nil {
            let engine = DockerClient.Configuration.fromEnvironment(context.options.environment, host: context.options.defaultHost)
            clients[ContainerMap.defaultClientName] = ClientConfigBinding.ClientConfigObject(
                settings: ClientSettings(), engine: engine, authConfigs: [:], environment: context.options.environment,
                features: .null)
        }
        for map in maps.values {
            for name in map.clients where clients[name] == nil {
                throw DMapError(.config, "map '\(map.name)' runs on client '\(name)', which the mapping client does not "
                    + "have" + Suggest.hint(name, clients.keys) + " (clients: \(clients.keys.sorted().joined(separator: ", ")))")
            }
        }
        if let chosenDefault, maps[chosenDefault] == nil {
            throw DMapError(.usage, "mapping_client: default_map: no map '\(chosenDefault)'" + Suggest.hint(chosenDefault, maps.keys))
        }
        let defaultMap = chosenDefault ?? (maps.count == 1 || single ? maps.keys.first : nil)
        state.pushRetained(MappingClientObject(maps: maps, defaultMap: defaultMap, clients: clients, defaults: defaults),
                           metatable: metatable)
        lua_pushvalue(call.L, hookOwnersSlot)
        _ = dmap_setuservalue(call.L, -2)
        return 1
    }

    // MARK: Actions

    /// `mc:<action>(target[, opts])`, or with `planOnly` what `mc:plan(action, target[, opts])` returns.
    static func run(_ call: LuaCall, _ action: ActionKind, context: BindingContext, planOnly: Bool) throws -> Int32 {
        let mc = try object(call)
        let names = try targetNames(call, 2)
        var opts = mc.defaults
        for (k, v) in try ClientBinding.checkedOptions(call, 3, optionKeys) { opts[k] = v }
        var options = try actionOptions(opts)
        let targets = try ActionTargets.resolve(
            names, maps: mc.maps, defaultMap: mc.defaultMap, instances: try instances(call, opts),
            map: try opts.string("map"))
        // Bad options fail here, before any engine is asked.
        if action == .update { try updateOptions(opts, mc, into: &options) }

        // Observe: one snapshot per client the targets' maps run on.
        var clientNames = OrderedSet<String>()
        for map in Set(targets.map(\.map)).sorted().compactMap({ mc.maps[$0] }) {
            clientNames.append(contentsOf: Planner.clientNames(of: map))
        }
        let engines = try engines(mc, clientNames)
        let parts = action.observes
        var snapshots = try blockingAwait { try await ActionRun.observe(engines, parts: parts) }

        // Plan, here on the Lua thread.
        let settings = mc.clients.mapValues(\.settings)
        let logger = context.logger
        var plan = try Self.plan(action, targets, mc, settings, options, engines, &snapshots)
        if planOnly {
            for warning in plan.warnings { logger.warning("\(warning)") }
            call.state.push(.array(plan.steps.map(\.value)))
            return 1
        }

        // Execute. An update pulls first, then compares image ids with what it pulled.
        let label = action.rawValue
        var results: [Value] = []
        if action == .update, plan.steps.contains(where: { $0.action == .pull }) {
            let pulls = plan.steps.filter { $0.action == .pull }.map { step in
                var step = step
                step.after = []
                return step
            }
            let parallel = options.parallel
            results += try execute(call, pulls, on: engines, parallel: parallel, label: label, context: context)
            let images = try blockingAwait { try await ActionRun.observe(engines, parts: [.images]) }
            for (client, snapshot) in images { snapshots[client]?.images = snapshot.images }
            options.pullBeforeUpdate = false
            plan = try Self.plan(action, targets, mc, settings, options, engines, &snapshots)
            plan.steps = Self.withoutPulls(plan.steps)
        }
        for warning in plan.warnings { logger.warning("\(warning)") }
        let steps = plan.steps
        let parallel = options.parallel
        do {
            results += try execute(call, steps, on: engines, parallel: parallel, label: label, context: context)
        } catch var error as DMapError where !results.isEmpty {
            error.results = results + (error.results ?? [])
            throw error
        }
        call.state.push(.array(results))
        return 1
    }

    /// Plans `action`; for `update`, reads what the planner asks for beyond the listings (inspect, top) and plans
    /// again with it.
    static func plan(
        _ action: ActionKind, _ targets: [ActionTarget], _ mc: MappingClientObject, _ settings: [String: ClientSettings],
        _ options: ActionOptions, _ engines: [String: ActionRun.Engine], _ snapshots: inout [String: EngineSnapshot]
    ) throws -> (steps: [PlanStep], warnings: [String]) {
        var planner = Planner(maps: mc.maps, clients: settings, snapshots: snapshots, options: options)
        var steps = try planner.plan(action, targets)
        var rounds = 0
        while rounds < 2, !planner.detailsWanted.isEmpty || !planner.processesWanted.isEmpty {
            rounds += 1
            let inspect = planner.detailsWanted, top = planner.processesWanted, current = snapshots
            snapshots = try blockingAwait {
                try await withThrowingTaskGroup(of: (String, EngineSnapshot).self) { group in
                    for (client, engine) in engines {
                        guard var snapshot = current[client] else { continue }
                        let names = inspect[client] ?? [], running = top[client] ?? []
                        group.addTask {
                            try await snapshot.observeDetails(engine.client, inspect: names, top: running, psArgs: ExecCheck.psArgs)
                            return (client, snapshot)
                        }
                    }
                    var out = current
                    for try await (client, snapshot) in group { out[client] = snapshot }
                    return out
                }
            }
            planner = Planner(maps: mc.maps, clients: settings, snapshots: snapshots, options: options)
            steps = try planner.plan(action, targets)
        }
        return (steps, planner.warnings)
    }

    /// `steps` without its pulls, the `after` indices renumbered.
    static func withoutPulls(_ steps: [PlanStep]) -> [PlanStep] {
        var index: [Int: Int] = [:]
        var out: [PlanStep] = []
        for (i, step) in steps.enumerated() where step.action != .pull {
            index[i] = out.count
            out.append(step)
        }
        return out.map { step in
            var step = step
            step.after = step.after.compactMap { index[$0] }
            return step
        }
    }

    /// The options only `update` reads.
    static func updateOptions(_ o: [String: Value], _ mc: MappingClientObject, into options: inout ActionOptions) throws {
        func flag(_ key: String) throws -> Bool? { try Self.flag(o, key) }
        if let b = try flag("pull_before_update") { options.pullBeforeUpdate = b }
        if let b = try flag("update_persistent") { options.updatePersistent = b }
        if let b = try flag("skip_limit_reset") { options.skipLimitReset = b }
        switch o["force_update"] {
        case nil, .null?, .bool(false)?: break
        case .bool(true)?: options.forceAll = true
        case let v?:
            let names: [String]
            if let s = v.stringValue { names = [s] }
            else if case .array(let items) = v, items.allSatisfy({ $0.stringValue != nil }) { names = items.compactMap(\.stringValue) }
            else { throw DMapError(.usage, "option 'force_update' must be true, a container name or a list of them") }
            do {
                let targets = try ActionTargets.resolve(names, maps: mc.maps, defaultMap: mc.defaultMap)
                options.forceUpdate = Set(targets.map(\.item))
            } catch var error as DMapError {
                error.message = "option 'force_update': " + error.message
                throw error
            }
        }
        if let v = o["nonrecoverable_exit_codes"] {
            guard case .array(let items) = v, items.allSatisfy({ $0.intValue != nil }) else {
                throw DMapError(.usage, "option 'nonrecoverable_exit_codes' must be a list of exit codes")
            }
            options.nonrecoverableExitCodes = Set(items.compactMap { $0.intValue.map { Int($0) } })
        }
        switch o["check_exec_commands"] {
        case nil, .null?, .bool(true)?: break
        case .bool(false)?: options.checkExecCommands = .none
        case .string(let s)? where ExecCheck.Mode(rawValue: s) != nil: options.checkExecCommands = ExecCheck.Mode(rawValue: s)!
        case let v?:
            throw DMapError(.usage, "option 'check_exec_commands' must be \"full\", \"partial\", \"none\" or a boolean, got "
                + (v.stringValue.map { "'\($0)'" } ?? v.typeName))
        }
    }

    static let scriptKeys: Set<String> = [
        "script_path", "entrypoint", "command_format", "wait_timeout", "container_script_dir",
        "remove_existing_before", "remove_created_after", "tail", "timestamps",
    ]

    /// `mc:run_script(target[, opts])`: brings up what the configuration depends on, runs a one-off container of
    /// it with the script, and returns `{ [client] = { id=, exit_code=, log= } }` (or `error=` on a timeout).
    static func runScript(_ call: LuaCall, context: BindingContext) throws -> Int32 {
        let mc = try object(call)
        let name = try call.string(2)
        var opts = mc.defaults
        for (k, v) in try ClientBinding.checkedOptions(call, 3, optionKeys.union(scriptKeys)) { opts[k] = v }
        let options = try actionOptions(opts)
        let script = try scriptOptions(opts)
        // One container: `instances` is one instance name, or a list holding exactly one (checked here, before any
        // engine is asked).
        var instances: [String]?
        switch opts["instances"] {
        case nil, .null?: break
        case .string(let s)?: instances = [s]
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            instances = items.compactMap(\.stringValue)
        case .object(let fields)? where fields.isEmpty: instances = []  // `{}`
        case let other?:
            throw call.bad(3, "'instances' must be an instance name or a list of one, got \(other.typeName)")
        }
        if let list = instances, list.count != 1 {
            throw call.bad(3, "run_script takes one container: 'instances' must name one instance, got \(list.count)"
                + (list.isEmpty ? "" : " (\(list.joined(separator: ", ")))"))
        }
        let targets = try ActionTargets.resolve(
            [name], maps: mc.maps, defaultMap: mc.defaultMap, instances: instances, map: try opts.string("map"))
        guard targets.count == 1, let target = targets.first, let map = mc.maps[target.map] else {
            throw call.bad(2, "run_script takes one container; '\(name)' is \(targets.count) (name an instance)")
        }

        let clientNames = Planner.clientNames(of: map)
        let engines = try engines(mc, clientNames)
        let snapshots = try blockingAwait { try await ActionRun.observe(engines) }
        // What the script container depends on comes up as with startup; the container itself is made below.
        var planner = Planner(maps: mc.maps, clients: mc.clients.mapValues(\.settings), snapshots: snapshots, options: options)
        let steps = try planner.plan(.startup, targets).filter { !($0.kind == .container && $0.map == target.map
            && $0.config == target.config && $0.instance == target.instance) }
        let graph = DependencyGraph(map)
        let containerName = graph.dockerName(target.item)
        var runs: [String: ScriptRun] = [:]
        for client in clientNames {
            if snapshots[client]?.containers[containerName] != nil, !script.removeExistingBefore {
                throw DMapError(.action, "run_script: container \(containerName) existed on client \(client) prior to "
                    + "running the script (set remove_existing_before = true to remove it first)",
                    object: containerName, client: client)
            }
            let settings = mc.clients[client]?.settings ?? ClientSettings(name: client)
            let request = try ContainerCreateRequest.build(
                map: map, config: target.config, instance: target.instance, client: settings, graph: graph)
            let timeout = graph.configs[target.config]?.stopTimeout ?? engines[client]!.client.configuration.timeout
            runs[client] = try ScriptRun(request: request, options: script, defaultTimeout: timeout)
        }
        _ = try execute(call, steps, on: engines, parallel: options.parallel, label: "run_script", context: context)
        let existing = clientNames.filter { snapshots[$0]?.containers[containerName] != nil }
        let scriptRuns = runs
        let results = try blockingAwait {
            try await withThrowingTaskGroup(of: (String, Value).self) { group in
                for (client, run) in scriptRuns {
                    let docker = engines[client]!.client
                    let remove = existing.contains(client)
                    group.addTask {
                        if remove { try await docker.removeContainer(containerName, ["force": true]) }
                        return (client, try await run.run(on: docker, clientName: client))
                    }
                }
                var out: [String: Value] = [:]
                for try await (client, value) in group { out[client] = value }
                return out
            }
        }
        call.state.push(.object(results))
        return 1
    }

    /// `run_script`'s own options, checked before any engine is asked.
    static func scriptOptions(_ opts: [String: Value]) throws -> ScriptRun.Options {
        var script = ScriptRun.Options()
        script.scriptPath = try opts.string("script_path")
        for key in ["entrypoint", "command_format"] {
            switch opts.option(key) {
            case nil, .string?: break
            case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }): break
            case let v?: throw DMapError(.usage, "option '\(key)' must be a string or a list of strings, got \(v.typeName)")
            }
        }
        script.entrypoint = opts.option("entrypoint")
        script.commandFormat = opts.option("command_format")
        script.waitTimeout = try opts.number("wait_timeout")
        if let dir = try opts.string("container_script_dir") { script.containerScriptDir = dir }
        if let b = try opts.bool("remove_existing_before") { script.removeExistingBefore = b }
        if let b = try opts.bool("remove_created_after") { script.removeCreatedAfter = b }
        switch opts.option("tail") {
        case nil: break
        case .string(let s)?: script.tail = s
        case let v?:
            guard let n = v.intValue else {
                let got = v.doubleDescription ?? v.typeName
                throw DMapError(.usage, "option 'tail' must be a number of lines or \"all\", got \(got)")
            }
            script.tail = String(n)
        }
        if let b = try opts.bool("timestamps") { script.timestamps = b }
        return script
    }

    /// The `instances` option: a string or a list of strings.
    static func instances(_ call: LuaCall, _ opts: [String: Value]) throws -> [String]? {
        guard let v = opts.option("instances") else { return nil }
        if let s = v.stringValue { return [s] }
        guard case .array(let items) = v, items.allSatisfy({ $0.stringValue != nil }) else {
            throw call.bad(3, "'instances' must be a string or a list of strings")
        }
        return items.compactMap(\.stringValue)
    }

    /// The engines of the named clients (each client's engine is made on first use).
    static func engines(_ mc: MappingClientObject, _ names: some Sequence<String>) throws -> [String: ActionRun.Engine] {
        var out: [String: ActionRun.Engine] = [:]
        for name in names {
            guard let host = mc.clients[name] else { throw DMapError(.config, "no client '\(name)' in the mapping client") }
            let handle = try host.client()
            out[name] = ActionRun.Engine(client: handle.client, credentials: handle.credentials)
        }
        return out
    }

    /// A target or an array of them.
    static func targetNames(_ call: LuaCall, _ position: Int32) throws -> [String] {
        if let s = call.state.string(at: position) { return [s] }
        guard case .array(let items) = try call.value(position), !items.isEmpty,
            items.allSatisfy({ $0.stringValue != nil })
        else {
            throw call.bad(position, "a target (\"web\", \"main.web\", \"main.web.inst\", a group, \"__all__\") or a "
                + "list of them expected")
        }
        return items.compactMap(\.stringValue)
    }

    /// A boolean option, or `nil` when it is not given (see `OptionValues.swift`).
    static func flag(_ o: [String: Value], _ key: String) throws -> Bool? {
        try o.bool(key)
    }

    static func actionOptions(_ o: [String: Value]) throws -> ActionOptions {
        var options = ActionOptions()
        func flag(_ key: String) throws -> Bool? { try Self.flag(o, key) }
        if let b = try flag("remove_persistent") { options.removePersistent = b }
        if let b = try flag("remove_attached") { options.removeAttached = b }
        if let b = try flag("restart_exec_commands") { options.restartExecCommands = b }
        if let b = try flag("pull_all_images") { options.pullAllImages = b }
        if let v = o["signal"] {
            guard let s = v.stringValue ?? v.intValue.map({ String($0) }) else {
                throw DMapError(.usage, "option 'signal' must be a signal name or number")
            }
            options.signal = s
        }
        if let v = o["core_image"] {
            guard let s = v.stringValue else { throw DMapError(.usage, "option 'core_image' must be an image name") }
            options.coreImage = s
        }
        if let v = o["parallel"] {
            guard let n = v.intValue, n >= 1 else { throw DMapError(.usage, "option 'parallel' must be a number >= 1") }
            options.parallel = Int(n)
        }
        return options
    }
}
