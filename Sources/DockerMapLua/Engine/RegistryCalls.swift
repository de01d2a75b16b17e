import NIOCore

/// Pull, push, login and save: the calls that move images between the engine, registries and files.
extension DockerClient {
    /// What a pull or push reports: each message as it arrives, and the first error in the stream.
    public typealias ProgressHandler = @Sendable (Value) async throws -> Void

    /// `POST /images/create?fromImage=`: pulls `repository` (with `tag`, or the tag in `repository`, or `latest`).
    /// `auth` is the `X-Registry-Auth` value. Returns the engine's error from inside the stream, if any.
    public func pull(_ repository: String, tag: String? = nil, auth: String?, onMessage: @escaping ProgressHandler)
        async throws -> String?
    {
        let (repo, resolvedTag) = Self.splitReference(repository, tag: tag)
        var headers: [(String, String)] = []
        if let auth { headers.append(("X-Registry-Auth", auth)) }
        return try await streamMessages(
            EngineRequest(
                "POST", "/images/create", query: [("fromImage", repo), ("tag", resolvedTag)], headers: headers,
                object: "\(repo):\(resolvedTag)"),
            onMessage: onMessage)
    }

    /// `POST /images/{name}/push`: pushes `repository` (all its tags unless `tag` or a tag in the name is given).
    /// The engine requires `X-Registry-Auth` on push; anonymous is `{}`.
    public func push(_ repository: String, tag: String? = nil, auth: String, onMessage: @escaping ProgressHandler)
        async throws -> String?
    {
        var repo = repository
        var resolvedTag = tag
        if tag == nil, let split = ImageReference.splitTag(repository) {
            repo = split.repository
            resolvedTag = split.tag
        }
        var query: [(String, String)] = []
        if let resolvedTag { query.append(("tag", resolvedTag)) }
        return try await streamMessages(
            EngineRequest(
                "POST", Self.path("/images/{}/push", repo), query: query, headers: [("X-Registry-Auth", auth)],
                object: repository),
            onMessage: onMessage)
    }

    /// `POST /auth`: checks credentials with the registry through the engine. Returns the engine's reply
    /// (`Status`, and `IdentityToken` when the registry issues one). Bad credentials are an `auth` error.
    /// `body` is the engine's `AuthConfig` JSON (it holds the secret; it is sent, never logged).
    public func login(_ body: [UInt8], registry: String) async throws -> Value {
        do {
            return try await call(
                EngineRequest("POST", "/auth", headers: [("Content-Type", "application/json")], body: .bytes(body),
                              object: registry))
        } catch var error as DMapError where error.status == 401 || error.status == 500 && Self.looksLikeAuth(error.message) {
            error.kind = .auth
            error.message = "login to \(registry) failed: \(error.message)"
            throw error
        }
    }

    /// `GET /images/{name}/get` streamed to `path`.
    public func saveImage(_ image: String, to path: String) async throws -> Int64 {
        try await download(EngineRequest("GET", Self.path("/images/{}/get", image), object: image), to: path)
    }

    /// `GET /containers/{id}/archive?path=` (a tar of `resource`) streamed to `path`.
    public func copyResource(_ container: String, resource: String, to path: String) async throws -> Int64 {
        try await download(
            EngineRequest("GET", Self.path("/containers/{}/archive", container), query: [("path", resource)],
                          object: container),
            to: path)
    }

    /// Repository and tag of `reference` for a pull: the explicit tag, else the one in the name, else `latest`.
    static func splitReference(_ reference: String, tag: String?) -> (String, String) {
        if let tag { return (reference, tag) }
        if reference.contains("@") { return (reference, "") }
        if let split = ImageReference.splitTag(reference) { return (split.repository, split.tag) }
        return (reference, "latest")
    }

    /// Whether an engine message is about credentials (the engine reports registry refusals in several ways).
    static func looksLikeAuth(_ message: String) -> Bool {
        let lower = message.lowercased()
        return ["unauthorized", "authentication required", "no basic auth credentials", "denied", "401"].contains {
            lower.contains($0)
        }
    }
}
