import Foundation
import NIOCore

/// Splits a stream of JSON lines (build output, pull and push progress) into messages, whatever the read boundaries.
public struct JSONLinesDecoder {
    private var pending = ByteBuffer()

    public init() {}

    /// Feeds the next piece of the stream; returns the messages completed by it.
    public mutating func feed(_ chunk: ByteBuffer) throws -> [Value] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var messages: [Value] = []
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            let line = pending.readSlice(length: length)!
            pending.moveReaderIndex(forwardBy: 1)
            if let message = try Self.decode(line) { messages.append(message) }
        }
        pending.discardReadBytes()
        return messages
    }

    /// The last message when the stream ended without a newline.
    public mutating func finish() throws -> Value? {
        defer { pending.clear() }
        return try Self.decode(pending)
    }

    private static func decode(_ line: ByteBuffer) throws -> Value? {
        let bytes = line.readableBytesView
        guard bytes.contains(where: { !($0 == 32 || $0 == 9 || $0 == 13) }) else { return nil }
        return try Value.decodeJSON(Data(bytes))
    }

    /// The engine's error inside a message of a 200 reply (`errorDetail.message`, or the older `error`).
    public static func error(in message: Value) -> String? {
        if let detail = message["errorDetail"]?["message"]?.stringValue { return detail }
        return message["error"]?.stringValue
    }
}

/// Splits the engine's multiplexed stream (logs, exec and attach without a TTY) into stdout and stderr payloads.
///
/// Each frame is an 8-byte header (stream type, three zero bytes, big-endian payload size) followed by the payload.
public struct FrameDecoder {
    public enum Stream: UInt8, Sendable {
        case stdin = 0, stdout = 1, stderr = 2, systemError = 3
    }

    private var pending = ByteBuffer()

    public init() {}

    /// Feeds the next piece of the stream; returns the frames completed by it.
    public mutating func feed(_ chunk: ByteBuffer) throws -> [(Stream, ByteBuffer)] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var frames: [(Stream, ByteBuffer)] = []
        while pending.readableBytes >= 8 {
            let type = pending.getInteger(at: pending.readerIndex, as: UInt8.self)!
            let size = Int(pending.getInteger(at: pending.readerIndex + 4, endianness: .big, as: UInt32.self)!)
            guard let stream = Stream(rawValue: type) else {
                throw DMapError(.engine, "malformed multiplexed stream: unknown stream type \(type)")
            }
            guard pending.readableBytes >= 8 + size else { break }
            pending.moveReaderIndex(forwardBy: 8)
            frames.append((stream, pending.readSlice(length: size)!))
        }
        pending.discardReadBytes()
        return frames
    }

    /// Bytes left over at the end of the stream (a cut-off frame), if any.
    public var leftover: Int { pending.readableBytes }
}
