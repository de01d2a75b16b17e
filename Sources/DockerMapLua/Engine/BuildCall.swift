import NIOCore

/// `POST /build`: the context streamed as a tar, the output streamed back as JSON lines.
extension DockerClient {
    /// What a build produced: the new image's id (when it succeeded) and the first error the engine reported.
    public struct BuildOutcome: Sendable {
        public var imageID: String?
        public var error: String?
    }

    /// Builds from a context that `writeContext` streams (a tar, uncompressed or with `contentEncoding`).
    /// `query` holds the Engine API's build parameters (`t`, `dockerfile`, `nocache`, …); `registryConfig` is the
    /// `X-Registry-Config` value for pulling base images. Each output message goes to `onMessage`.
    public func build(
        query: [(String, String)], registryConfig: String?, contentEncoding: String? = nil, timeout: TimeAmount? = nil,
        writeContext: @escaping @Sendable (EngineBodyWriter) async throws -> Void,
        onMessage: @escaping ProgressHandler
    ) async throws -> BuildOutcome {
        var headers: [(String, String)] = []
        if let registryConfig { headers.append(("X-Registry-Config", registryConfig)) }
        if let contentEncoding { headers.append(("Content-Encoding", contentEncoding)) }
        let found = ImageIDCollector()
        let error = try await streamMessages(
            EngineRequest(
                "POST", "/build", query: query, headers: headers,
                body: .stream(contentType: "application/x-tar", writeContext), timeout: timeout,
                object: query.first { $0.0 == "t" }?.1),
            onMessage: { message in
                found.see(message)
                try await onMessage(message)
            })
        return BuildOutcome(imageID: error == nil ? found.id : nil, error: error)
    }
}

/// Picks the built image's id out of the build output: `aux.ID`, or the classic `Successfully built <id>` line.
final class ImageIDCollector: @unchecked Sendable {
    // Only touched from the one task that reads the build output.
    private(set) var id: String?

    func see(_ message: Value) {
        if let auxID = message["aux"]?["ID"]?.stringValue {
            id = auxID
        } else if let line = message["stream"]?.stringValue, line.hasPrefix("Successfully built ") {
            id = line.dropFirst("Successfully built ".count).split(whereSeparator: \.isWhitespace).first.map(String.init)
        }
    }
}
