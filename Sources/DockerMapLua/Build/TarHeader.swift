import NIOCore

/// Encodes tar headers: POSIX ustar, preceded by a PAX extended header (typeflag `x`) when a value does not fit
/// (names and link targets too long or not ASCII, sizes of 8 GiB and more, large ids, out-of-range times).
///
/// An archive is, for each entry, `header(for:)`, the contents, `padding(forSize:)`; then `end`.
public enum TarFormat {
    public static let blockSize = 512

    /// The header block(s) for `entry`: 512 bytes, or more when a PAX header goes first.
    ///
    /// Throws `DMapError(.usage)` for an empty name or a name or link target holding a NUL byte.
    public static func header(for entry: TarEntry) throws -> ByteBuffer {
        try validate(entry.name, what: "name", entry: entry.name)
        let name = entry.archiveName
        var pax: [(key: String, value: String)] = []

        let nameBytes = Array(name.utf8)
        var nameField = nameBytes
        var prefixField: [UInt8] = []
        if !isASCII(nameBytes) || nameBytes.count > 100 {
            if isASCII(nameBytes), let (prefix, rest) = ustarSplit(nameBytes) {
                (prefixField, nameField) = (prefix, rest)
            } else {
                pax.append(("path", name))
                nameField = fallback(nameBytes, limit: 100)
            }
        }

        var linkField: [UInt8] = []
        var typeflag = UInt8(ascii: "0")
        switch entry.kind {
        case .file:
            typeflag = UInt8(ascii: "0")
        case .directory:
            typeflag = UInt8(ascii: "5")
        case .symlink(let target):
            typeflag = UInt8(ascii: "2")
            try validate(target, what: "link target", entry: entry.name)
            linkField = Array(target.utf8)
            if !isASCII(linkField) || linkField.count > 100 {
                pax.append(("linkpath", target))
                linkField = fallback(linkField, limit: 100)
            }
        }

        let size = UInt64(max(0, entry.size))
        let sizeField = fits(size, digits: 11) ? size : 0
        if sizeField != size { pax.append(("size", String(size))) }
        let uid = UInt64(entry.uid), gid = UInt64(entry.gid)
        if !fits(uid, digits: 7) { pax.append(("uid", String(uid))) }
        if !fits(gid, digits: 7) { pax.append(("gid", String(gid))) }
        let mtimeOK = entry.mtime >= 0 && fits(UInt64(entry.mtime), digits: 11)
        if !mtimeOK { pax.append(("mtime", String(entry.mtime))) }
        let mtimeField = mtimeOK ? UInt64(entry.mtime) : 0

        var out = ByteBufferAllocator().buffer(capacity: blockSize * (pax.isEmpty ? 1 : 3))
        if !pax.isEmpty {
            let records = paxRecords(pax)
            let base = SlashPath.components(name).last ?? "entry"
            let paxName = fallback(Array("PaxHeaders.0/\(base)".utf8), limit: 100)
            out.writeBytes(
                block(
                    name: paxName, prefix: [], mode: 0o644, uid: 0, gid: 0, size: UInt64(records.count),
                    mtime: mtimeField, typeflag: UInt8(ascii: "x"), linkname: []))
            out.writeBytes(records)
            out.writeImmutableBuffer(padding(forSize: Int64(records.count)))
        }
        out.writeBytes(
            block(
                name: nameField, prefix: prefixField, mode: UInt64(entry.mode & 0o7777),
                uid: fits(uid, digits: 7) ? uid : 0, gid: fits(gid, digits: 7) ? gid : 0, size: sizeField,
                mtime: mtimeField, typeflag: typeflag, linkname: linkField))
        return out
    }

    /// The zero bytes that round `size` up to a whole number of 512-byte blocks.
    public static func padding(forSize size: Int64) -> ByteBuffer {
        let rest = Int(size % Int64(blockSize))
        let count = rest == 0 ? 0 : blockSize - rest
        return ByteBuffer(repeating: 0, count: count)
    }

    /// The end of an archive: two zero blocks.
    public static var end: ByteBuffer { ByteBuffer(repeating: 0, count: 2 * blockSize) }

    // MARK: - Fields

    private static func validate(_ text: String, what: String, entry: String) throws {
        if text.isEmpty || text.utf8.contains(0) {
            throw DMapError(.usage, "invalid tar entry \(what) '\(entry)': empty or holding a NUL byte", object: entry)
        }
    }

    private static func isASCII(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 < 0x80 } }

    /// Whether `value` fits in `digits` octal digits.
    private static func fits(_ value: UInt64, digits: Int) -> Bool { value < (1 << (3 * UInt64(digits))) }

    /// The ustar split of a long ASCII name into `prefix` (≤ 155 bytes) and `name` (≤ 100 bytes) at a slash.
    private static func ustarSplit(_ name: [UInt8]) -> ([UInt8], [UInt8])? {
        guard name.count <= 256 else { return nil }
        for index in name.indices where name[index] == UInt8(ascii: "/") {
            let prefix = Array(name[..<index]), rest = Array(name[(index + 1)...])
            if prefix.count <= 155, !prefix.isEmpty, !rest.isEmpty, rest.count <= 100 { return (prefix, rest) }
        }
        return nil
    }

    /// An ASCII stand-in for a field whose real value is in the PAX header.
    private static func fallback(_ bytes: [UInt8], limit: Int) -> [UInt8] {
        Array(bytes.map { $0 < 0x80 ? $0 : UInt8(ascii: "_") }.prefix(limit))
    }

    /// PAX records `"<length> <key>=<value>\n"`, the length counting itself.
    static func paxRecords(_ records: [(key: String, value: String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in records {
            let body = key.utf8.count + value.utf8.count + 3  // space, '=', newline
            var length = body + String(body).utf8.count
            if String(length).utf8.count + body != length { length = body + String(length).utf8.count }
            out += Array("\(length) \(key)=\(value)\n".utf8)
        }
        return out
    }

    private static func octal(_ value: UInt64, width: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        return Array(String(repeating: "0", count: max(0, width - 1 - digits.utf8.count)).utf8) + Array(digits.utf8)
            + [0]
    }

    private static func block(
        name: [UInt8], prefix: [UInt8], mode: UInt64, uid: UInt64, gid: UInt64, size: UInt64, mtime: UInt64,
        typeflag: UInt8, linkname: [UInt8]
    ) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { header[offset + index] = byte }
        }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(uid, width: 8), at: 108)
        put(octal(gid, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        header[156] = typeflag
        put(linkname, at: 157)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(octal(0, width: 8), at: 329)
        put(octal(0, width: 8), at: 337)
        put(prefix, at: 345)
        let checksum = header.reduce(UInt64(0)) { $0 + UInt64($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return header
    }
}
