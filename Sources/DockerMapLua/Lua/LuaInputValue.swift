import CLua
import Foundation

/// Lua values ⇄ the model's input tree (`InputValue`), where Lua functions stand for lazy values.
extension LuaState {
    /// The value at `index` as an input tree; `path` names it in errors. A table with keys 1…n is a list; any
    /// other table is a dictionary with its list part first, then its other keys sorted (Lua tables have no order).
    /// A function becomes a lazy value that calls it when the value is needed.
    func inputValue(at index: Int32, path: String, depth: Int = 0) throws -> InputValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .null
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .int(lua_tointegerx(L, index, nil)) }
            return .double(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(string(at: index)!)
        case LUA_TLIGHTUSERDATA where isNull(at: index): return .null
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .lazy(LuaFunctionReference(state: self, reference: ref()).lazyValue)
        case LUA_TTABLE:
            guard depth < 64 else { throw DMapError(.config, "\(path): table nested too deeply (a cycle?)") }
            guard lua_checkstack(L, 4) != 0 else { throw DMapError(.config, "\(path): Lua stack overflow") }
            return try inputTable(at: absolute(index), path: path, depth: depth)
        default:
            throw DMapError(.config, "\(path): a \(typeName(at: index)) cannot be part of a map")
        }
    }

    private func inputTable(at index: Int32, path: String, depth: Int) throws -> InputValue {
        var intKeys: [lua_Integer] = []
        var otherKeys: [(sort: String, key: InputValue)] = []
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { pop() }
            switch lua_type(L, -2) {
            case LUA_TNUMBER where lua_isinteger(L, -2) != 0: intKeys.append(lua_tointegerx(L, -2, nil))
            case LUA_TNUMBER:
                let d = lua_tonumberx(L, -2, nil)
                otherKeys.append(("0\(d)", .double(d)))
            case LUA_TSTRING:
                let s = string(at: -2)!
                otherKeys.append(("1" + s, .string(s)))
            default:
                throw DMapError(.config, "\(path): a \(typeName(at: -2)) cannot be a key in a map")
            }
        }
        intKeys.sort()
        // The list part: 1…n without gaps.
        var listCount: lua_Integer = 0
        while Int(listCount) < intKeys.count, intKeys[Int(listCount)] == listCount + 1 { listCount += 1 }
        for key in intKeys[Int(listCount)...] { otherKeys.append(("0" + String(format: "%020lld", key), .int(key))) }
        var items: [InputValue] = []
        for i in stride(from: 1, through: listCount, by: 1) {
            lua_rawgeti(L, index, i)
            defer { pop() }
            items.append(try inputValue(at: -1, path: "\(path)[\(i)]", depth: depth + 1))
        }
        if otherKeys.isEmpty { return .list(items) }
        var entries = items.enumerated().map { (key: InputValue.int(Int64($0.offset + 1)), value: $0.element) }
        for (_, key) in otherKeys.sorted(by: { $0.sort < $1.sort }) {
            switch key {
            case .string(let s): push(s)
            case .int(let i): lua_pushinteger(L, i)
            case .double(let d): lua_pushnumber(L, d)
            default: continue
            }
            lua_rawget(L, index)
            defer { pop() }
            let child = InputPath(path).key(key).text
            entries.append((key: key, value: try inputValue(at: -1, path: child, depth: depth + 1)))
        }
        return .dict(entries)
    }

    /// Pushes an input tree: lists as sequences, dictionaries as tables, a lazy value made from a Lua function as
    /// that function, any other lazy value as a function that resolves it.
    func push(input value: InputValue) {
        _ = lua_checkstack(L, 4)
        switch value {
        case .null: pushNull()
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, i)
        case .double(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .list(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                push(input: item)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .dict(let entries):
            lua_createtable(L, 0, Int32(clamping: entries.count))
            for (key, item) in entries {
                if item.isNull { continue }
                push(input: key)
                push(input: item)
                lua_rawset(L, -3)
            }
        case .lazy(let lazy):
            if let function = lazy.source as? LuaFunctionReference, function.isOwned(by: self) {
                pushReference(function.reference)
            } else {
                push(function: { call in
                    call.state.push(input: try lazy.resolve())
                    return 1
                }, name: lazy.label)
            }
        }
    }
}

/// A Lua function held in the registry for a lazy value. It can only be called on the Lua thread that made it,
/// which is where maps are read and resolved; its registry slot lives as long as the runtime.
final class LuaFunctionReference: @unchecked Sendable {
    let reference: Int32
    private let L: OpaquePointer
    private let owner: pthread_t

    init(state: LuaState, reference: Int32) {
        self.reference = reference
        self.L = state.L
        self.owner = pthread_self()
    }

    func isOwned(by state: LuaState) -> Bool { state.L == L && pthread_equal(owner, pthread_self()) != 0 }

    var lazyValue: LazyValue {
        LazyValue(label: "function", source: self) { [self] in try self.call() }
    }

    /// Calls the function with no arguments; its result (converted) is the value. An error it raises comes back
    /// unchanged to the script that asked for the value.
    private func call() throws -> InputValue {
        guard pthread_equal(owner, pthread_self()) != 0 else {
            throw DMapError(.usage, "a function in a map can only be called on its Lua runtime's thread")
        }
        let state = LuaState(L)
        let base = state.top
        defer { state.setTop(base) }
        state.pushReference(reference)
        if dmap_pcall(L, 0, 1, 0) != LUA_OK {
            throw LuaValueError(reference: state.ref())
        }
        return try state.inputValue(at: -1, path: "the function's result")
    }
}
