import CLua

/// Calling a client's hooks (`push_log`, `push_progress`) from Swift: a field the script set on the object wins
/// over the class's default. Called with `lua_pcall`, so an error in a hook never unwinds a Swift frame; it comes
/// back as a `LuaValueError` that the dispatcher raises unchanged.
enum ClientHooks {
    /// Pushes `self[name]` looked up without metamethods (user value table, then the class's methods).
    static func pushHook(_ state: LuaState, selfIndex: Int32, _ name: String) {
        let L = state.L
        if dmap_getuservalue(L, selfIndex) == LUA_TTABLE {
            if state.rawField(-1, name) != LUA_TNIL {
                dmap_remove(L, -2)
                return
            }
            state.pop()
        }
        state.pop()
        guard lua_getmetatable(L, selfIndex) != 0 else {
            lua_pushnil(L)
            return
        }
        if state.rawField(-1, "__methods") == LUA_TTABLE {
            state.rawField(-1, name)
            dmap_remove(L, -2)
        } else {
            state.pop()
            lua_pushnil(L)
        }
        dmap_remove(L, -2)
    }

    /// Calls `self:name(args...)`; nil arguments are passed as nil.
    static func call(_ state: LuaState, selfIndex: Int32 = 1, _ name: String, _ args: [Value?]) throws {
        let L = state.L
        _ = lua_checkstack(L, Int32(args.count) + 4)
        let base = state.top
        pushHook(state, selfIndex: selfIndex, name)
        guard lua_type(L, -1) == LUA_TFUNCTION else {
            state.setTop(base)
            return
        }
        lua_pushvalue(L, selfIndex)
        for arg in args {
            if let arg { state.push(arg) } else { lua_pushnil(L) }
        }
        if dmap_pcall(L, Int32(args.count) + 1, 0, 0) != LUA_OK {
            let reference = state.ref()
            state.setTop(base)
            throw LuaValueError(reference: reference)
        }
        state.setTop(base)
    }

    /// `self:push_log(message, level)`.
    static func log(_ state: LuaState, selfIndex: Int32 = 1, _ message: String, _ level: String = "info") throws {
        try call(state, selfIndex: selfIndex, "push_log", [.string(message), .string(level)])
    }

    /// Routes one JSON message of a build, pull or push stream to the hooks of the client at `selfIndex`.
    static func route(_ state: LuaState, selfIndex: Int32 = 1, _ message: Value) throws {
        try route(message, log: { text, level in try log(state, selfIndex: selfIndex, text, level) }, progress: {
            status, id, detail in
            try call(state, selfIndex: selfIndex, "push_progress", [.string(status), .string(id), detail])
        })
    }

    /// Routes one JSON message of a build, pull or push stream as Docker-Map does: build output and status without
    /// an id to `log` (at `info`), per-layer status to `progress`, errors to `log` at `error`.
    static func route(
        _ message: Value, log: (String, String) throws -> Void, progress: (String, String, Value?) throws -> Void
    ) throws {
        if let text = JSONLinesDecoder.error(in: message) {
            try log(text, "error")
        } else if let stream = message["stream"]?.stringValue {
            let line = stream.hasSuffix("\n") ? String(stream.dropLast()) : stream
            if !line.isEmpty { try log(line, "info") }
        } else if let status = message["status"]?.stringValue {
            if let id = message["id"]?.stringValue {
                try progress(status, id, message["progressDetail"])
            } else {
                try log(status, "info")
            }
        }
    }

    /// What the default `push_log` does: the runtime's logger.
    static func defaultLog(_ context: BindingContext, _ message: String, _ level: String) {
        context.logger.log(level: BindingContext.level(level) ?? .info, "\(message)")
    }

    /// What the default `push_progress` does: the runtime's progress display, if it has one.
    static func defaultProgress(_ context: BindingContext, _ status: String, _ id: String, _ detail: Value?) {
        context.options.progress?.update(status: status, id: id, detail: detail)
    }
}
