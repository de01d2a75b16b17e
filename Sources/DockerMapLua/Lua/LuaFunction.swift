import CLua

/// A Swift function callable from Lua. It reads its arguments from `call`, pushes its results and returns how many.
/// A thrown error becomes a Lua error (a `DMapError` becomes the contract's error table) raised by the trampoline
/// after this function has returned, so no Lua error ever unwinds a Swift frame.
public typealias LuaFunction = (LuaCall) throws -> Int32

/// The arguments of one call from Lua, with checks that throw `usage` errors in `luaL_argerror`'s words.
public struct LuaCall {
    public let state: LuaState
    /// The Lua-visible function name, for error messages.
    public let name: String

    public var L: OpaquePointer { state.L }
    public var count: Int32 { state.top }

    func bad(_ position: Int32, _ detail: String) -> DMapError {
        DMapError.badArgument(Int(position), name, detail)
    }

    func expected(_ position: Int32, _ what: String) -> DMapError {
        bad(position, "\(what) expected, got \(state.typeName(at: position))")
    }

    public func isNoneOrNil(_ position: Int32) -> Bool { dmap_isnoneornil(L, position) != 0 }

    public func string(_ position: Int32) throws -> String {
        guard let s = state.string(at: position) else { throw expected(position, "string") }
        return s
    }

    public func optionalString(_ position: Int32) throws -> String? {
        isNoneOrNil(position) ? nil : try string(position)
    }

    public func integer(_ position: Int32) throws -> Int64 {
        guard lua_type(L, position) == LUA_TNUMBER else { throw expected(position, "number") }
        var isInteger: Int32 = 0
        let i = lua_tointegerx(L, position, &isInteger)
        guard isInteger != 0 else { throw bad(position, "number has no integer representation") }
        return i
    }

    public func number(_ position: Int32) throws -> Double {
        guard lua_type(L, position) == LUA_TNUMBER else { throw expected(position, "number") }
        return lua_tonumberx(L, position, nil)
    }

    /// A table argument as an object (string keys); an absent argument is an empty table when `optional`.
    public func options(_ position: Int32, optional: Bool = true) throws -> [String: Value] {
        if optional && isNoneOrNil(position) { return [:] }
        guard lua_type(L, position) == LUA_TTABLE else { throw expected(position, "table") }
        switch try state.value(at: position, path: "argument #\(position) to '\(name)'") {
        case .object(let fields): return fields
        case .array: throw bad(position, "table with named fields expected, got an array")
        default: return [:]
        }
    }

    /// A table argument as an object, leaving out the fields in `skipping` (which may hold values that do not
    /// convert, such as objects); an absent argument is an empty table.
    public func options(_ position: Int32, skipping: Set<String>) throws -> [String: Value] {
        if isNoneOrNil(position) { return [:] }
        guard lua_type(L, position) == LUA_TTABLE else { throw expected(position, "table") }
        var fields: [String: Value] = [:]
        lua_pushnil(L)
        while lua_next(L, position) != 0 {
            defer { state.pop() }
            guard let key = state.string(at: -2) else {
                throw bad(position, "table with named fields expected, got a \(state.typeName(at: -2)) key")
            }
            if skipping.contains(key) { continue }
            fields[key] = try state.value(at: -1, path: "argument #\(position) to '\(name)'.\(key)")
        }
        return fields
    }

    /// Any value, converted.
    public func value(_ position: Int32) throws -> Value {
        try state.value(at: position, path: "argument #\(position) to '\(name)'")
    }
}

/// The box that keeps a Swift closure alive inside a Lua closure's upvalue; released by that userdata's `__gc`.
final class LuaFunctionBox {
    let name: String
    let function: LuaFunction

    init(name: String, function: @escaping LuaFunction) {
        self.name = name
        self.function = function
    }
}

/// A Swift error that stands for a Lua value kept in the registry (an error raised by a Lua callback), so that it
/// can be raised again unchanged.
public struct LuaValueError: Error {
    let reference: Int32
}

extension LuaState {
    /// Pushes a Lua function that calls `function`. The function holds `function` until Lua collects it.
    public func push(function: @escaping LuaFunction, name: String) {
        pushRetained(LuaFunctionBox(name: name, function: function), metatable: LuaBridge.boxMetatable)
        dmap_pushswiftclosure(L, luaDispatch, 1)
    }

    /// Sets `t[name]` (t at `index`) to a Swift function.
    public func setFunction(_ index: Int32, _ name: String, qualifiedName: String? = nil, _ function: @escaping LuaFunction) {
        let t = absolute(index)
        push(function: function, name: qualifiedName ?? name)
        setRawField(t, name)
    }
}

/// The one dispatcher behind every Swift function: runs the closure in upvalue 2 and turns a thrown error into the
/// value the trampoline raises.
private func luaDispatch(_ L: OpaquePointer?) -> Int32 {
    let state = LuaState(L!)
    guard let box = state.retained(at: dmap_upvalueindex(2), as: LuaFunctionBox.self) else {
        state.push(error: DMapError(.usage, "a dmap function was called after its runtime closed"))
        return DMAP_RAISE
    }
    do {
        return try box.function(LuaCall(state: state, name: box.name))
    } catch let error as LuaValueError {
        state.pushReference(error.reference)
        state.unref(error.reference)
        return DMAP_RAISE
    } catch let error as DMapError {
        state.push(error: error)
        return DMAP_RAISE
    } catch {
        state.push(error: DMapError(.engine, "\(error)"))
        return DMAP_RAISE
    }
}
