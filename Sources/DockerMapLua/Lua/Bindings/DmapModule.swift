import CLua
import Logging

/// The `dmap` table: preloaded as a global and returned by `require "dmap"`.
enum DmapModule {
    static func install(_ state: LuaState, options: LuaRuntime.Options) {
        let L = state.L
        let context = BindingContext(options: options)
        ClientBinding.register(state, context: context)

        lua_createtable(L, 0, 8)
        state.push("dmap-lua \(DMapVersion.current)")
        state.setRawField(-2, "_VERSION")
        state.pushNull()
        state.setRawField(-2, "null")
        state.setFunction(-1, "is_error", qualifiedName: "is_error") { call in
            lua_pushboolean(call.L, call.state.isErrorTable(at: 1) ? 1 : 0)
            return 1
        }
        lua_createtable(L, 0, 1)
        state.push("dmap.array")
        state.setRawField(-2, "__name")
        state.setRegistryField(LuaState.RegistryKey.arrayMarker)
        state.setFunction(-1, "array", qualifiedName: "array") { call in
            // dmap.array([t]): marks t (or a new table) as a JSON array, so that an empty one is sent as [].
            if call.isNoneOrNil(1) {
                lua_createtable(call.L, 0, 0)
            } else {
                guard lua_type(call.L, 1) == LUA_TTABLE else { throw call.expected(1, "table") }
                lua_settop(call.L, 1)
            }
            call.state.registryField(LuaState.RegistryKey.arrayMarker)
            lua_setmetatable(call.L, -2)
            return 1
        }
        state.setFunction(-1, "client", qualifiedName: "client") { call in
            try ClientBinding.create(call, context: context)
        }
        DockerfileBinding.install(state, context: context)
        ContextBinding.install(state, context: context)
        MapBinding.install(state, context: context)
        ClientConfigBinding.install(state, context: context)
        MappingClientBinding.install(state, context: context)
        state.setFunction(-1, "error", qualifiedName: "error") { call in
            // dmap.error{kind=, message=, ...}: builds an error table (for scripts and recipes that raise their own).
            let fields = try call.options(1, optional: false)
            let kindName = try fields.string("kind") ?? "action"
            guard let kind = DMapError.Kind(rawValue: kindName) else {
                let kinds = DMapError.Kind.allCases.map(\.rawValue)
                throw call.bad(1, "unknown kind '\(kindName)'\(Suggest.hint(kindName, kinds))")
            }
            var error = DMapError(kind, try fields.string("message") ?? kindName)
            error.object = try fields.string("object")
            error.client = try fields.string("client")
            error.status = try fields.int("status").map(Int.init)
            call.state.push(error: error)
            return 1
        }
        state.setFunction(-1, "log", qualifiedName: "log") { call in
            // dmap.log(level, message): the runtime's logger, as the default push_log uses it.
            let level = try call.string(1)
            guard let parsed = BindingContext.level(level) else {
                throw call.bad(1, "unknown level '\(level)' (expected debug, info, warning or error)")
            }
            let message = try call.string(2)
            context.logger.log(level: parsed, "\(message)")
            return 0
        }
        // Global `dmap` and `package.loaded.dmap`, the same table.
        lua_pushvalue(L, -1)
        lua_setglobal(L, "dmap")
        state.registryField("_LOADED")
        lua_pushvalue(L, -2)
        state.setRawField(-2, "dmap")
        state.pop(2)
    }
}

/// What every binding of one runtime shares.
final class BindingContext: Sendable {
    let options: LuaRuntime.Options
    var logger: Logger { options.logger }

    init(options: LuaRuntime.Options) { self.options = options }

    static func level(_ name: String) -> Logger.Level? {
        switch name {
        case "debug": return .debug
        case "info": return .info
        case "warning", "warn": return .warning
        case "error": return .error
        case "trace": return .trace
        case "notice": return .notice
        case "critical": return .critical
        default: return nil
        }
    }
}
