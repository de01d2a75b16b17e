import CLua
import Foundation

/// `login`, `pull` and `push`: Docker-Map's success-value functions. An operation failure returns
/// `false, err` (or raises with `raise_on_error = true`); wrong arguments always raise.
enum ClientRegistryBinding {
    static func methods(context: BindingContext) -> [(String, LuaFunction)] {
        [
            ("login", login),
            ("pull", { call in try transfer(call, push: false, context: context) }),
            ("push", { call in try transfer(call, push: true, context: context) }),
        ]
    }

    /// Returns `true`, or `false, err` for an operation failure unless `raise` is set.
    static func succeed(_ call: LuaCall, raise: Bool, _ body: () throws -> Void) throws -> Int32 {
        do {
            try body()
            lua_pushboolean(call.L, 1)
            return 1
        } catch let error as DMapError where !raise && error.kind != .usage {
            lua_pushboolean(call.L, 0)
            call.state.push(error: error)
            return 2
        }
    }

    /// `docker:login{username=, password=, registry=, email=, reauth=, raise_on_error=}`.
    static func login(_ call: LuaCall) throws -> Int32 {
        let handle = try ClientBinding.handle(call)
        let o = try ClientBinding.checkedOptions(
            call, 2, ["username", "password", "registry", "email", "reauth", "raise_on_error"])
        guard let username = try o.string("username") else { throw call.bad(2, "'username' is required") }
        let registry = RegistryName.normalise(try o.string("registry") ?? RegistryName.dockerHub)
        let auth = RegistryAuth(
            username: username, password: try o.string("password"), email: try o.string("email"),
            serverAddress: RegistryName.configKey(for: registry))
        let reauth = try o.bool("reauth") ?? false
        return try succeed(call, raise: try o.bool("raise_on_error") ?? false) {
            // Without reauth, the same credentials already accepted in this run are not checked again.
            if !reauth, let known = try? handle.credentials.credentials(for: registry),
                handle.credentials.isLoggedIn(registry: registry), known.username == auth.username,
                known.password == auth.password
            {
                return
            }
            let client = handle.client
            let reply = try blockingAwait { try await client.login(Array(auth.engineJSON), registry: registry) }
            var accepted = auth
            if let token = reply["IdentityToken"]?.stringValue, !token.isEmpty {
                accepted = RegistryAuth(serverAddress: auth.serverAddress, identityToken: token)
            }
            handle.credentials.remember(accepted, for: registry)
            try ClientHooks.log(call.state, "Login to \(registry) succeeded.", "debug")
        }
    }

    /// `docker:pull(image, {tag=, raise_on_error=})` and `docker:push(image, {tag=, raise_on_error=})`: status to
    /// `push_log`, per-layer progress to `push_progress`.
    static func transfer(_ call: LuaCall, push: Bool, context: BindingContext) throws -> Int32 {
        let handle = try ClientBinding.handle(call)
        let image = try call.string(2)
        let o = try ClientBinding.checkedOptions(call, 3, ["tag", "raise_on_error", "insecure_registry", "stream"])
        let tag = try o.string("tag")
        let raise = try o.bool("raise_on_error") ?? false
        let client = handle.client
        defer { context.options.progress?.end() }
        return try succeed(call, raise: raise) {
            let header = try handle.credentials.header(forImage: image)
            let streamError = try blockingAwait({ emit in
                let forward: DockerClient.ProgressHandler = { emit($0) }
                return push
                    ? try await client.push(image, tag: tag, auth: header, onMessage: forward)
                    : try await client.pull(image, tag: tag, auth: header, onMessage: forward)
            }, onEvent: { (message: Value) in try ClientHooks.route(call.state, message) })
            if let message = streamError {
                let kind: DMapError.Kind = DockerClient.looksLikeAuth(message) ? .auth : .engine
                throw DMapError(kind, message, object: image, client: client.name)
            }
        }
    }
}
