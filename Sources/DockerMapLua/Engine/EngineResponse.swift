import Foundation
import NIOCore
import NIOHTTP1

/// The engine's reply, readable part by part while its connection is open.
public struct EngineResponse {
    public let status: Int
    public let headers: HTTPHeaders
    var parts: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    var finished = false
    let fail: @Sendable (Error) -> DMapError

    /// The `Content-Type` header, lower-cased, without parameters.
    public var contentType: String {
        (headers.first(name: "content-type") ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }

    /// The next piece of the body as it arrives, or `nil` at its end.
    public mutating func next() async throws -> ByteBuffer? {
        while !finished {
            let part: HTTPClientResponsePart?
            do {
                part = try await parts.next()
            } catch {
                throw fail(error)
            }
            switch part {
            case .body(let buffer):
                return buffer
            case .end, .none:
                finished = true
            case .head:
                continue
            }
        }
        return nil
    }

    /// The whole body, up to `limit` bytes (more is a protocol error).
    public mutating func collect(limit: Int = 256 << 20) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while var chunk = try await next() {
            guard all.readableBytes + chunk.readableBytes <= limit else {
                throw DMapError(.engine, "the engine's reply is larger than \(limit) bytes")
            }
            all.writeBuffer(&chunk)
        }
        return all
    }

    /// The body decoded as JSON when it is JSON, as a string otherwise, `.null` when empty.
    public mutating func value() async throws -> Value {
        let body = try await collect()
        guard body.readableBytes > 0 else { return .null }
        let data = Data(body.readableBytesView)
        if contentType.contains("json") {
            return try Value.decodeJSON(data)
        }
        return .string(String(decoding: data, as: UTF8.self))
    }
}
