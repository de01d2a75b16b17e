import CLua

/// Where the pulls of map actions report, as in Docker-Map, whose mapping client pulls through its client wrapper:
/// a host given as a `dmap.client` gets the messages in its hooks (`push_log`, `push_progress`, replaced or not);
/// any other host (a `dmap.client_config`, an options table, the runtime's engine) in what the default hooks do.
extension MappingClientBinding {
    /// Stack slot, during `create`, of the table of the hosts given as `dmap.client` (client name → object). It
    /// becomes the mapping client's user value, which scripts cannot reach (a mapping client has no free fields).
    static let hookOwnersSlot: Int32 = 3

    /// Keeps the host at `index` in the hook owners table if it is a `dmap.client`.
    static func keepHookOwner(_ state: LuaState, _ index: Int32, name: String) {
        let index = state.absolute(index)
        guard state.retained(at: index, as: ClientHandle.self, metatable: ClientBinding.metatable) != nil else { return }
        lua_pushvalue(state.L, index)
        state.setRawField(hookOwnersSlot, name)
    }

    /// Runs `steps` on the engines (from the Lua thread), the messages of their pulls routed to the hooks.
    static func execute(
        _ call: LuaCall, _ steps: [PlanStep], on engines: [String: ActionRun.Engine], parallel: Int, label: String,
        context: BindingContext
    ) throws -> [Value] {
        let logger = context.logger
        return try blockingAwait({ emit in
            try await ActionRun.execute(steps, on: engines, parallel: parallel, label: label, logger: logger,
                                        onPullMessage: { client, message in emit((client, message)) })
        }, onEvent: { (event: (client: String, message: Value)) in
            try routePull(call, event.client, event.message, context: context)
        })
    }

    /// One pull message of `client` to the hooks of its `dmap.client` (the mapping client is argument 1), or to the
    /// default hooks' destinations.
    static func routePull(_ call: LuaCall, _ client: String, _ message: Value, context: BindingContext) throws {
        let state = call.state
        let base = state.top
        defer { state.setTop(base) }
        if dmap_getuservalue(call.L, 1) == LUA_TTABLE, state.rawField(-1, client) == LUA_TUSERDATA {
            try ClientHooks.route(state, selfIndex: state.top, message)
        } else {
            try ClientHooks.route(message, log: { ClientHooks.defaultLog(context, $0, $1) },
                                  progress: { ClientHooks.defaultProgress(context, $0, $1, $2) })
        }
    }
}
