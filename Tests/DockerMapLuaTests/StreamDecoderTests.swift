import NIOCore
import Testing
@testable import DockerMapLua

@Suite("Stream decoders")
struct StreamDecoderTests {
    static let lines = """
        {"stream":"Step 1/2 : FROM busybox\\n"}
        {"status":"Downloading","progressDetail":{"current":10,"total":100},"id":"abc"}
        {"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"The command '/bin/sh -c false' returned a non-zero code: 1"}

        """

    /// Feeds `bytes` cut at `cut` (and every byte for `cut == 1`).
    static func pieces(_ bytes: [UInt8], every cut: Int) -> [ByteBuffer] {
        stride(from: 0, to: bytes.count, by: cut).map { ByteBuffer(bytes: bytes[$0..<min($0 + cut, bytes.count)]) }
    }

    @Test("JSON lines decode the same whatever the read boundaries", arguments: [1, 2, 3, 7, 64, 4096])
    func jsonLinesSplit(cut: Int) throws {
        var decoder = JSONLinesDecoder()
        var messages: [Value] = []
        for piece in Self.pieces(Array(Self.lines.utf8), every: cut) { messages += try decoder.feed(piece) }
        #expect(try decoder.finish() == nil)
        #expect(messages.count == 3)
        #expect(messages[0]["stream"] == "Step 1/2 : FROM busybox\n")
        #expect(messages[1]["progressDetail"]?["total"] == 100)
        #expect(JSONLinesDecoder.error(in: messages[1]) == nil)
        // The error arrives inside a 200 reply: it is found in errorDetail.
        #expect(JSONLinesDecoder.error(in: messages[2]) == "The command '/bin/sh -c false' returned a non-zero code: 1")
    }

    @Test("A last line without a newline is still decoded; a broken line is an error")
    func jsonLinesEnd() throws {
        var decoder = JSONLinesDecoder()
        #expect(try decoder.feed(ByteBuffer(string: "{\"status\":\"a\"}\n{\"status\":")).count == 1)
        #expect(try decoder.feed(ByteBuffer(string: "\"b\"}")).isEmpty)
        #expect(try decoder.finish() == ["status": "b"])
        var broken = JSONLinesDecoder()
        #expect(throws: DMapError.self) { try broken.feed(ByteBuffer(string: "{oops}\n")) }
        #expect(JSONLinesDecoder.error(in: ["error": "old style"]) == "old style")
    }

    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let size = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(size >> 24), UInt8((size >> 16) & 0xff), UInt8((size >> 8) & 0xff), UInt8(size & 0xff)] + payload
    }

    @Test("Frames demultiplex whatever the read boundaries, headers split included", arguments: [1, 3, 5, 8, 9, 1000])
    func framesSplit(cut: Int) throws {
        let bytes = Self.frame(1, "hello ") + Self.frame(2, "oops\n") + Self.frame(1, "") + Self.frame(1, "world\n")
        var decoder = FrameDecoder()
        var out = "", err = ""
        for piece in Self.pieces(bytes, every: cut) {
            for (stream, payload) in try decoder.feed(piece) {
                let text = String(buffer: payload)
                if stream == .stdout { out += text } else if stream == .stderr { err += text }
            }
        }
        #expect(out == "hello world\n")
        #expect(err == "oops\n")
        #expect(decoder.leftover == 0)
    }

    @Test("A frame cut off, or an unknown stream type, is noticed")
    func framesBroken() throws {
        var decoder = FrameDecoder()
        let bytes = Self.frame(1, "0123456789")
        #expect(try decoder.feed(ByteBuffer(bytes: bytes.prefix(12))).isEmpty)
        #expect(decoder.leftover == 12)
        var bad = FrameDecoder()
        #expect(throws: DMapError.self) { try bad.feed(ByteBuffer(bytes: [9, 0, 0, 0, 0, 0, 0, 1, 65])) }
    }
}
