import CLua
import Foundation

/// A borrowed `lua_State*`, with the operations the bridge may use from Swift.
///
/// Everything here is chosen so that it can never raise a Lua error (and so never `longjmp` over a Swift frame):
/// raw table access, `lua_to*`, `lua_push*`, `luaL_testudata`, and `lua_pcall`. Errors are raised only by the C
/// trampoline, after Swift has returned.
public struct LuaState {
    public let L: OpaquePointer

    public init(_ L: OpaquePointer) { self.L = L }

    /// Registry keys of the bridge's own values.
    enum RegistryKey {
        static let errorMetatable = "dmap.error"
        static let null = "dmap.null"
        /// Metatable that marks a table as a JSON array even when empty (`dmap.array{}`).
        static let arrayMarker = "dmap.array"
    }

    public var top: Int32 { lua_gettop(L) }
    public func setTop(_ n: Int32) { lua_settop(L, n) }
    public func pop(_ n: Int32 = 1) { dmap_pop(L, n) }
    public func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }
    public func type(at index: Int32) -> Int32 { lua_type(L, index) }

    /// `nil`, `boolean`, `number`, `string`, `table`, `function`, `userdata`, `thread`, or `no value`.
    public func typeName(at index: Int32) -> String {
        let t = lua_type(L, index)
        if t == LUA_TNONE { return "no value" }
        return String(cString: lua_typename(L, t))
    }

    // MARK: Reading

    /// The bytes of the string (or number) at `index`, without conversion of the stack slot for numbers.
    public func bytes(at index: Int32) -> [UInt8]? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    public func string(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The value at `index` as a `Value`; `path` names it in errors (`options.HostConfig.Binds[2]`).
    public func value(at index: Int32, path: String = "value", depth: Int = 0) throws -> Value {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .null
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .int(lua_tointegerx(L, index, nil)) }
            return .double(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(string(at: index)!)
        case LUA_TLIGHTUSERDATA where isNull(at: index): return .null
        case LUA_TTABLE:
            guard depth < 64 else { throw DMapError(.usage, "\(path): table nested too deeply (a cycle?)") }
            // A C function may only use LUA_MINSTACK slots unless it asks for more.
            guard lua_checkstack(L, 4) != 0 else { throw DMapError(.usage, "\(path): Lua stack overflow") }
            return try tableValue(at: absolute(index), path: path, depth: depth)
        default:
            throw DMapError(.usage, "\(path): cannot use a \(typeName(at: index)) here")
        }
    }

    private func tableValue(at index: Int32, path: String, depth: Int) throws -> Value {
        // A table whose keys are exactly 1...n is an array; anything else is an object with string keys.
        var count: lua_Integer = 0
        var isArray = true
        var fields: [String: Value] = [:]
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { pop() }
            if lua_type(L, -2) == LUA_TNUMBER, lua_isinteger(L, -2) != 0 {
                count += 1
            } else {
                isArray = false
            }
        }
        let length = lua_Integer(lua_rawlen(L, index))
        let marked = hasMetatable(at: index, RegistryKey.arrayMarker)
        if marked && !(isArray && count == length) {
            throw DMapError(.usage, "\(path): a dmap.array may only hold the items 1...n")
        }
        if marked && count == 0 { return .array([]) }
        if isArray && count > 0 && count == length {
            var items: [Value] = []
            items.reserveCapacity(Int(length))
            for i in 1...length {
                lua_rawgeti(L, index, i)
                defer { pop() }
                items.append(try value(at: -1, path: "\(path)[\(i)]", depth: depth + 1))
            }
            return .array(items)
        }
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            defer { pop() }
            let key: String
            switch lua_type(L, -2) {
            case LUA_TSTRING: key = string(at: -2)!
            case LUA_TNUMBER:
                key = lua_isinteger(L, -2) != 0 ? String(lua_tointegerx(L, -2, nil)) : String(lua_tonumberx(L, -2, nil))
            default:
                throw DMapError(.usage, "\(path): a \(typeName(at: -2)) cannot be a key")
            }
            let child = Self.isIdentifier(key) ? "\(path).\(key)" : "\(path)[\"\(key)\"]"
            fields[key] = try value(at: -1, path: child, depth: depth + 1)
        }
        return .object(fields)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
            return false
        }
        return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
    }

    // MARK: Pushing

    public func push(_ string: String) {
        var s = string
        s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    public func push(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes `value`: objects as tables without their null fields, nulls inside arrays as `dmap.null`.
    public func push(_ value: Value) {
        // Each level of nesting needs a few stack slots; lua_checkstack fails only when memory runs out.
        _ = lua_checkstack(L, 4)
        switch value {
        case .null: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .int(let i): lua_pushinteger(L, i)
        case .double(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .array(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                if case .null = item { pushNull() } else { push(item) }
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
        case .object(let fields):
            lua_createtable(L, 0, Int32(clamping: fields.count))
            for (key, field) in fields {
                if case .null = field { continue }
                push(key)
                push(field)
                lua_rawset(L, -3)
            }
        }
    }

    /// Pushes `dmap.null`, the light userdata that stands for JSON `null` where `nil` cannot.
    public func pushNull() {
        lua_pushlightuserdata(L, nil)
    }

    public func isNull(at index: Int32) -> Bool {
        lua_type(L, index) == LUA_TLIGHTUSERDATA && lua_touserdata(L, index) == nil
    }

    // MARK: Tables

    /// `t[key]` without metamethods, pushed on the stack; returns its type.
    @discardableResult
    public func rawField(_ index: Int32, _ key: String) -> Int32 {
        let t = absolute(index)
        push(key)
        return lua_rawget(L, t)
    }

    /// `t[key] = top of stack` without metamethods; pops the value.
    public func setRawField(_ index: Int32, _ key: String) {
        let t = absolute(index)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Registry value under `key`, pushed.
    @discardableResult
    public func registryField(_ key: String) -> Int32 {
        rawField(dmap_registryindex(), key)
    }

    public func setRegistryField(_ key: String) {
        setRawField(dmap_registryindex(), key)
    }

    // MARK: Errors

    /// Pushes `error` as the contract's error table (with the shared metatable that gives `tostring`).
    public func push(error: DMapError) {
        _ = lua_checkstack(L, 6)
        lua_createtable(L, 0, 6)
        push(error.kind.rawValue)
        setRawField(-2, "kind")
        push(error.message)
        setRawField(-2, "message")
        if let status = error.status {
            lua_pushinteger(L, lua_Integer(status))
            setRawField(-2, "status")
        }
        for (key, text) in [("object", error.object), ("client", error.client), ("cause", error.cause)] {
            if let text {
                push(text)
                setRawField(-2, key)
            }
        }
        if !error.problems.isEmpty {
            push(Value.array(error.problems.map(Value.string)))
            setRawField(-2, "problems")
        }
        if let results = error.results {
            push(Value.array(results))
            setRawField(-2, "results")
        }
        registryField(RegistryKey.errorMetatable)
        lua_setmetatable(L, -2)
    }

    /// The `DMapError` that the error table at `index` stands for, if it is one.
    public func dmapError(at index: Int32) -> DMapError? {
        guard isErrorTable(at: index) else { return nil }
        let t = absolute(index)
        func text(_ key: String) -> String? {
            rawField(t, key)
            defer { pop() }
            return string(at: -1)
        }
        let kind = text("kind").flatMap(DMapError.Kind.init(rawValue:)) ?? .engine
        var error = DMapError(kind, text("message") ?? "", object: text("object"), client: text("client"), cause: text("cause"))
        rawField(t, "status")
        if lua_isinteger(L, -1) != 0 { error.status = Int(lua_tointegerx(L, -1, nil)) }
        pop()
        return error
    }

    public func isErrorTable(at index: Int32) -> Bool {
        hasMetatable(at: index, RegistryKey.errorMetatable)
    }

    /// Whether the table at `index` has the metatable registered under `key`.
    func hasMetatable(at index: Int32, _ key: String) -> Bool {
        guard lua_type(L, index) == LUA_TTABLE, lua_getmetatable(L, index) != 0 else { return false }
        registryField(key)
        defer { pop(2) }
        return lua_rawequal(L, -1, -2) != 0
    }
}
