import CLua

/// Swift objects in Lua: a userdata holding a retained reference, released by `__gc` (or `__close`, whichever comes
/// first). Every such userdata has one user value, a table for fields a script sets on it.
extension LuaState {
    /// Pushes a full userdata that retains `object`, with the metatable registered under `metatable`.
    public func pushRetained(_ object: AnyObject, metatable: String) {
        let slot = dmap_newuserdata(L, MemoryLayout<UnsafeRawPointer?>.size)!
        slot.storeBytes(of: Unmanaged.passRetained(object).toOpaque(), as: UnsafeRawPointer?.self)
        lua_createtable(L, 0, 0)
        _ = dmap_setuservalue(L, -2)
        registryField(metatable)
        lua_setmetatable(L, -2)
    }

    /// The object held by the userdata at `index`, if it is one of ours of type `T` and not yet released.
    public func retained<T: AnyObject>(at index: Int32, as type: T.Type, metatable: String? = nil) -> T? {
        let raw: UnsafeMutableRawPointer?
        if let metatable {
            raw = luaL_testudata(L, index, metatable)
        } else {
            raw = lua_type(L, index) == LUA_TUSERDATA ? lua_touserdata(L, index) : nil
        }
        guard let slot = raw, let pointer = slot.load(as: UnsafeRawPointer?.self) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as? T
    }

    /// Releases the object held by the userdata at `index` (once; later calls do nothing).
    func releaseRetained(at index: Int32) {
        guard lua_type(L, index) == LUA_TUSERDATA, let slot = lua_touserdata(L, index),
            let pointer = slot.load(as: UnsafeRawPointer?.self)
        else { return }
        slot.storeBytes(of: nil, as: UnsafeRawPointer?.self)
        Unmanaged<AnyObject>.fromOpaque(pointer).release()
    }

    /// Stores the value on top of the stack in the registry (popping it) and returns its reference.
    public func ref() -> Int32 { luaL_ref(L, dmap_registryindex()) }

    public func pushReference(_ reference: Int32) { lua_rawgeti(L, dmap_registryindex(), lua_Integer(reference)) }

    public func unref(_ reference: Int32) { luaL_unref(L, dmap_registryindex(), reference) }

    /// Pushes a new metatable for a class of Swift objects: `__name` for messages, `__gc` and `__close` releasing
    /// the object, and `__methods`, the table of `methods`. The caller adds `__index`/`__newindex` and registers it.
    func pushClassMetatable(_ name: String, methods: [(String, LuaFunction)]) {
        lua_createtable(L, 0, 8)
        push(name)
        setRawField(-2, "__name")
        for key in ["__gc", "__close"] {
            setFunction(-1, key, qualifiedName: "\(name).\(key)") { call in
                call.state.releaseRetained(at: 1)
                return 0
            }
        }
        lua_createtable(L, 0, Int32(methods.count))
        for (method, function) in methods {
            setFunction(-1, method, qualifiedName: method, function)
        }
        setRawField(-2, "__methods")
    }

    /// Creates (or replaces) the metatable registered under `name`, with `__gc` and `__close` releasing the object,
    /// `__name` for messages, and `__index`/`__newindex` that read fields from the user value table first, then from
    /// `methods`, and write fields to the user value table.
    func registerClass(_ name: String, methods: [(String, LuaFunction)]) {
        pushClassMetatable(name, methods: methods)
        rawField(-1, "__methods")
        // __index(self, key): user value table, then methods.
        lua_pushvalue(L, -1)
        dmap_pushswiftclosure(L, { L in
            let L = L!
            _ = dmap_getuservalue(L, 1)
            if lua_type(L, -1) == LUA_TTABLE {
                lua_pushvalue(L, 2)
                if lua_rawget(L, -2) != LUA_TNIL { return 1 }
                lua_settop(L, 2)
            } else {
                lua_settop(L, 2)
            }
            lua_pushvalue(L, 2)
            _ = lua_rawget(L, dmap_upvalueindex(2))
            return 1
        }, 1)
        setRawField(-3, "__index")
        pop()  // methods
        dmap_pushswiftclosure(L, { L in
            let L = L!
            _ = dmap_getuservalue(L, 1)
            guard lua_type(L, -1) == LUA_TTABLE else {
                LuaState(L).push(error: DMapError(.usage, "cannot set fields on this object"))
                return DMAP_RAISE
            }
            lua_pushvalue(L, 2)
            lua_pushvalue(L, 3)
            lua_rawset(L, -3)
            return 0
        }, 0)
        setRawField(-2, "__newindex")
        setRegistryField(name)
    }
}

/// Names and set-up shared by the whole bridge.
enum LuaBridge {
    /// Metatable of the userdata that keeps Swift closures alive.
    static let boxMetatable = "dmap.function"

    /// Registers the bridge's own metatables in a new state. Must run before any Swift function is pushed.
    static func install(_ state: LuaState) {
        let L = state.L
        // The closure box metatable: only __gc, set up by hand since `setFunction` needs it to exist.
        lua_createtable(L, 0, 2)
        dmap_pushswiftclosure(L, { L in
            LuaState(L!).releaseRetained(at: 1)
            return 0
        }, 0)
        state.setRawField(-2, "__gc")
        state.push(boxMetatable)
        state.setRawField(-2, "__name")
        state.setRegistryField(boxMetatable)

        // The error table metatable: __tostring gives "kind: message".
        lua_createtable(L, 0, 2)
        state.setFunction(-1, "__tostring") { call in
            let s = call.state
            if let error = s.dmapError(at: 1) {
                s.push(error.description)
            } else {
                s.push("error")
            }
            return 1
        }
        state.push(LuaState.RegistryKey.errorMetatable)
        state.setRawField(-2, "__name")
        state.setRegistryField(LuaState.RegistryKey.errorMetatable)
    }
}
