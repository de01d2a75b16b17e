import CLua
import Foundation
import Logging

/// A Lua 5.4 VM with the `dmap` module loaded, living on its own thread.
///
/// ```swift
/// let runtime = try LuaRuntime()
/// runtime.register("greet") { args in [.string("hello, \(args.first?.stringValue ?? "you")")] }
/// try runtime.run(string: "print(greet('lua'))")
/// ```
/// Every method may be called from any thread; the VM itself is only touched on its own thread.
public final class LuaRuntime: @unchecked Sendable {
    /// How the runtime is set up.
    public struct Options: Sendable {
        /// The engine `dmap.client()` connects to without `base_url` (else `$DOCKER_HOST`, else the default socket).
        public var defaultHost: String?
        /// Receives `push_log` messages and the runtime's own diagnostics.
        public var logger: Logger
        /// Receives what the default `push_progress` hook gets (nothing is shown when `nil`).
        public var progress: (any ProgressSink)?
        /// The environment the docker CLI would read (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, …).
        public var environment: [String: String]

        public init(
            defaultHost: String? = nil, logger: Logger = Logger(label: "dmap-lua"), progress: (any ProgressSink)? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.defaultHost = defaultHost
            self.logger = logger
            self.progress = progress
            self.environment = environment
        }
    }

    /// A script failed: its error message (as `tostring` gives it), the Lua traceback, and the `dmap` error if it
    /// was one.
    public struct ScriptError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var traceback: String
        public var error: DMapError?
        public var description: String { message }
    }

    public let options: Options
    private let thread: LuaThread
    /// The VM, touched only on `thread`; boxed so that `deinit` can close it without capturing `self`.
    private let vm = VMBox()
    private var L: OpaquePointer? {
        get { vm.L }
        set { vm.L = newValue }
    }
    private static let handlerKey = "dmap.msgh"

    public init(options: Options = Options()) throws {
        self.options = options
        self.thread = LuaThread()
        try thread.sync { try self.open() }
    }

    deinit {
        // `self` must not be captured here: the Lua thread would release it after deinit has finished.
        let vm = self.vm
        thread.sync {
            if let L = vm.L { lua_close(L) }
            vm.L = nil
        }
        thread.stop()
    }

    private func open() throws {
        guard let L = luaL_newstate() else { throw DMapError(.engine, "cannot create a Lua state (out of memory)") }
        self.L = L
        luaL_openlibs(L)
        let state = LuaState(L)
        LuaBridge.install(state)
        DmapModule.install(state, options: options)
        // The message handler that adds a traceback to uncaught errors.
        try load(Self.messageHandler, name: "=dmap.msgh", state: state)
        guard dmap_pcall(L, 0, 1, 0) == LUA_OK else { throw DMapError(.engine, "cannot set up the message handler") }
        state.setRegistryField(Self.handlerKey)
    }

    private static let messageHandler = """
        return function(e)
          local msg
          local mt = getmetatable(e)
          if type(e) == "string" then msg = e
          elseif type(mt) == "table" and mt.__tostring then msg = tostring(e)
          elseif e == nil then msg = "nil"
          else msg = "(error object is a " .. type(e) .. " value)" end
          local tb = debug.traceback("", 2):gsub("^\\n", "")
          return setmetatable({ message = msg, traceback = tb, value = e }, { __name = "dmap.uncaught" })
        end
        """

    /// Closes the VM; later calls fail. Called automatically when the runtime is released.
    public func close() {
        thread.sync {
            if let L = self.L { lua_close(L) }
            self.L = nil
        }
        thread.stop()
    }

    // MARK: Registering Swift functions

    /// Makes `function` a global Lua function: it gets its arguments as values and returns its results.
    @available(*, noasync, message: "blocks until the Lua thread is free")
    public func register(_ name: String, _ function: @escaping @Sendable ([Value]) throws -> [Value]) {
        registerRaw(name) { call in
            var args: [Value] = []
            for i in Swift.stride(from: Int32(1), through: call.count, by: 1) { args.append(try call.value(i)) }
            let results = try function(args)
            for r in results { call.state.push(r) }
            return Int32(results.count)
        }
    }

    /// Makes `function` a global Lua function with direct access to the stack (see `LuaCall`).
    @available(*, noasync, message: "blocks until the Lua thread is free")
    public func registerRaw(_ name: String, _ function: @escaping LuaFunction) {
        let box = UnsafeSendableBox(function)
        thread.sync {
            guard let L = self.L else { return }
            LuaState(L).push(function: box.value, name: name)
            lua_setglobal(L, name)
        }
    }

    /// Runs `body` with the VM on its thread (for embedders that need the raw state).
    @available(*, noasync, message: "blocks until the Lua thread is free")
    public func withState<T>(_ body: @escaping (LuaState) throws -> T) throws -> T {
        try thread.sync {
            guard let L = self.L else { throw DMapError(.usage, "the Lua runtime is closed") }
            return try body(LuaState(L))
        }
    }

    // MARK: Running code

    /// Runs a chunk of Lua code; `name` appears in messages and tracebacks.
    @available(*, noasync, message: "blocks until the script ends; use runAsync")
    public func run(string code: String, name: String = "=(command line)", arguments: [String] = []) throws {
        try thread.sync {
            let state = try self.state()
            try self.load(code, name: name, state: state)
            try self.call(state, arguments: arguments)
        }
    }

    /// Runs a Lua file with `arguments` as its `...`.
    @available(*, noasync, message: "blocks until the script ends; use runAsync")
    public func run(file path: String, arguments: [String] = []) throws {
        try thread.sync {
            let state = try self.state()
            let status = luaL_loadfilex(state.L, path, nil)
            if status != LUA_OK {
                let message = state.string(at: -1) ?? "cannot load \(path)"
                state.pop()
                throw ScriptError(message: message, traceback: "", error: DMapError(.usage, message))
            }
            try self.call(state, arguments: arguments)
        }
    }

    /// `run(string:)` for async callers: suspends until the script ends, without blocking a pool thread.
    public func runAsync(string code: String, name: String = "=(command line)") async throws {
        try await thread.run { try self.run(string: code, name: name) }
    }

    /// `run(file:)` for async callers.
    public func runAsync(file path: String, arguments: [String] = []) async throws {
        try await thread.run { try self.run(file: path, arguments: arguments) }
    }

    /// Sets the global `arg` table as `lua.c` does: `arg[0]` is the script, `arg[1…]` its arguments, and negative
    /// indices the interpreter and its options.
    @available(*, noasync, message: "blocks until the Lua thread is free")
    public func setArguments(script: String?, arguments: [String], interpreter: [String]) {
        thread.sync {
            guard let L = self.L else { return }
            let state = LuaState(L)
            lua_createtable(L, Int32(arguments.count), Int32(interpreter.count + 1))
            for (i, a) in interpreter.enumerated() {
                state.push(a)
                lua_rawseti(L, -2, lua_Integer(i - interpreter.count))
            }
            if let script {
                state.push(script)
                lua_rawseti(L, -2, 0)
            }
            for (i, a) in arguments.enumerated() {
                state.push(a)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            lua_setglobal(L, "arg")
        }
    }

    private func state() throws -> LuaState {
        guard let L else { throw DMapError(.usage, "the Lua runtime is closed") }
        return LuaState(L)
    }

    private func load(_ code: String, name: String, state: LuaState) throws {
        let status = code.withCString { p in dmap_loadbuffer(state.L, p, strlen(p), name) }
        if status != LUA_OK {
            let message = state.string(at: -1) ?? "cannot load \(name)"
            state.pop()
            throw ScriptError(message: message, traceback: "", error: DMapError(.usage, message))
        }
    }

    /// Calls the function on top of the stack with `arguments`, through the traceback handler.
    private func call(_ state: LuaState, arguments: [String]) throws {
        let L = state.L
        let base = state.top  // the function's slot
        state.registryField(Self.handlerKey)
        dmap_insert(L, base)
        for a in arguments { state.push(a) }
        let status = dmap_pcall(L, Int32(arguments.count), 0, base)
        defer { state.setTop(base - 1) }
        guard status != LUA_OK else { return }
        var message = "unknown error"
        var traceback = ""
        var error: DMapError?
        if lua_type(L, -1) == LUA_TTABLE {
            state.rawField(-1, "message")
            message = state.string(at: -1) ?? message
            state.pop()
            state.rawField(-1, "traceback")
            traceback = state.string(at: -1) ?? ""
            state.pop()
            state.rawField(-1, "value")
            error = state.dmapError(at: -1)
            state.pop()
        } else if let s = state.string(at: -1) {
            message = s  // an error in the handler itself, or out of memory
        }
        throw ScriptError(message: message, traceback: traceback, error: error)
    }
}

/// Holds the `lua_State` of a runtime.
private final class VMBox: @unchecked Sendable {
    var L: OpaquePointer?
}
