/// Decodes one 512-byte tar header block (v7, ustar, GNU) and PAX extended-header records.
struct TarHeaderParser {
    /// The block.
    let block: [UInt8]

    init(_ block: [UInt8]) { self.block = block }

    /// Whether the block is all zeros (the end of the archive).
    var isZero: Bool { block.allSatisfy { $0 == 0 } }

    /// Whether the stored checksum matches the block (as an unsigned or, for old writers, a signed byte sum).
    var checksumMatches: Bool {
        guard let stored = number(148, 8) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    var typeflag: UInt8 { block[156] }

    /// `ustar\0` + `00` (POSIX), as opposed to GNU's `ustar  \0` or v7's nothing.
    var isPOSIX: Bool { Array(block[257..<263]) == Array("ustar\0".utf8) }

    /// The name: the `prefix` field, a slash and the `name` field for POSIX ustar; the `name` field otherwise.
    var name: [UInt8] {
        let base = string(0, 100)
        guard isPOSIX else { return base }
        let prefix = string(345, 155)
        return prefix.isEmpty ? base : prefix + [UInt8(ascii: "/")] + base
    }

    var linkName: [UInt8] { string(157, 100) }
    var mode: Int64? { number(100, 8) }
    var uid: Int64? { number(108, 8) }
    var gid: Int64? { number(116, 8) }
    var size: Int64? { number(124, 12) }
    var mtime: Int64? { number(136, 12) }

    /// The bytes of a NUL-terminated field.
    func string(_ offset: Int, _ length: Int) -> [UInt8] {
        Array(block[offset..<(offset + length)].prefix { $0 != 0 })
    }

    /// A numeric field: octal digits padded with spaces or NULs, or GNU base-256 (the high bit of the first byte
    /// set; all ones for a negative number). `nil` when malformed.
    func number(_ offset: Int, _ length: Int) -> Int64? {
        let field = block[offset..<(offset + length)]
        if let first = field.first, first & 0x80 != 0 {
            let negative = first & 0x40 != 0
            var value: Int64 = negative ? -1 : 0
            for (index, byte) in field.enumerated() {
                let part = index == 0 && !negative ? byte & 0x7f : byte
                guard value >> 55 == (negative ? -1 : 0) else { return nil }  // would overflow
                value = (value << 8) | Int64(part)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        var ended = false
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended, value < (Int64.max >> 3) else { return nil }
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            case UInt8(ascii: " "), 0:
                if seenDigit { ended = true }
            default:
                return nil
            }
        }
        return value
    }

    /// The records `"<length> <key>=<value>\n"` of a PAX extended header; `nil` when malformed.
    static func paxRecords(_ data: [UInt8]) -> [String: [UInt8]]? {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }  // padding some writers leave
            var length = 0
            var cursor = index
            while cursor < data.count, data[cursor] != UInt8(ascii: " ") {
                let digit = data[cursor]
                guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9"), length < 1 << 30 else { return nil }
                length = length * 10 + Int(digit - UInt8(ascii: "0"))
                cursor += 1
            }
            let end = index + length
            guard cursor < data.count, length > 0, end <= data.count, end > cursor + 1,
                data[end - 1] == UInt8(ascii: "\n")
            else { return nil }
            let body = data[(cursor + 1)..<(end - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: body[..<equals], as: UTF8.self)
            records[key] = Array(body[(equals + 1)...])
            index = end
        }
        return records
    }

    /// A PAX decimal value (`mtime` may have a fraction, dropped); `nil` when malformed.
    static func paxNumber(_ bytes: [UInt8]) -> Int64? {
        let text = String(decoding: bytes, as: UTF8.self)
        let whole = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if whole == "-" { return 0 }
        return Int64(whole)
    }
}
