import NIOCore

extension TarFormat {
    /// The header block(s) of a hard link named `entry.name` to the earlier member `target`: those of a symlink
    /// (PAX `linkpath` and all), with type flag `1` and the checksum made again. `entry.kind` is not used.
    static func hardLinkHeader(for entry: TarEntry, target: String) throws -> ByteBuffer {
        var link = entry
        link.kind = .symlink(target: target)
        var header = try header(for: link)
        let start = header.writerIndex - blockSize  // the ustar block comes last
        header.setInteger(UInt8(ascii: "1"), at: start + 156)
        header.setBytes(Array(repeating: UInt8(ascii: " "), count: 8), at: start + 148)
        var sum = 0
        for byte in header.getBytes(at: start, length: blockSize)! { sum += Int(byte) }
        let digits = String(sum, radix: 8)
        let field = String(repeating: "0", count: max(0, 6 - digits.utf8.count)) + digits
        header.setBytes(Array(field.utf8) + [0, UInt8(ascii: " ")], at: start + 148)
        return header
    }
}
