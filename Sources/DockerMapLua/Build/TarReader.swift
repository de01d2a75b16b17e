import NIOCore

/// Reads the members of a tar archive file one after the other, with bounded memory: each member's header, then
/// (optionally) its data in chunks. The file may be plain, or gzip, bzip2 or xz compressed (found by its magic
/// bytes; decompressed by a child `gzip -dc` etc. as it is read).
///
/// Understood: v7, POSIX ustar (with the name prefix), PAX extended headers (`x`, and `g` for all later members:
/// `path`, `linkpath`, `size`, `uid`, `gid`, `mtime`), GNU tar (`L`/`K` long names, base-256 numbers). Members are
/// regular files, directories, symlinks, hard links, and other special files (devices, FIFOs) reported as such.
///
/// The reader blocks on I/O and is not thread-safe: one task uses it at a time, calling it off the cooperative
/// thread pool (e.g. through `NIOThreadPool`) from async code. Every failure is a `DMapError(.config)` naming the
/// archive.
public final class TarReader: @unchecked Sendable {
    /// One member, as its header(s) describe it.
    public struct Member: Sendable, Hashable {
        /// What the member is.
        public enum Kind: Sendable, Hashable {
            /// A regular file (also contiguous files and, as POSIX says, unknown types).
            case file
            /// A directory (also a GNU dump directory, whose listing is skipped).
            case directory
            /// A symbolic link to `target`.
            case symlink(target: String)
            /// A hard link to an earlier member of the archive, named by `target`.
            case hardLink(target: String)
            /// A character or block device or a FIFO (its tar type flag).
            case special(typeflag: UInt8)
        }

        /// The name as stored (a leading `./` kept), without the trailing `/` of a directory.
        public var name: String
        /// File, directory, symlink, hard link or special file.
        public var kind: Kind
        /// Bytes of data that follow the header (regular files only).
        public var size: Int64
        /// Permission bits with set-uid, set-gid and sticky.
        public var mode: UInt32
        /// Owner and group ids (clamped to 32 bits).
        public var uid: UInt32
        public var gid: UInt32
        /// Seconds since the epoch (a PAX fraction dropped).
        public var mtime: Int64
        /// The position among the archive's members, from 0.
        public var index: Int

        /// The member as a `TarEntry` to write elsewhere: files, directories and symlinks; `nil` for hard links and
        /// special files, which a `TarEntry` cannot describe.
        public var entry: TarEntry? {
            let entryKind: TarEntry.Kind
            switch kind {
            case .file: entryKind = .file(size: size)
            case .directory: entryKind = .directory
            case .symlink(let target): entryKind = .symlink(target: target)
            case .hardLink, .special: return nil
            }
            return TarEntry(name: name, kind: entryKind, mode: mode, uid: uid, gid: gid, mtime: mtime)
        }
    }

    /// The archive file.
    public let path: String
    private let input: TarInput
    /// Attributes of global PAX headers (`g`), applying to every later member.
    private var global: [String: [UInt8]] = [:]
    private var count = 0
    /// Data of the current member not yet read, then its padding.
    private var remaining: Int64 = 0
    private var padding: Int64 = 0
    private var finished = false

    /// The most that an extended header (PAX records, a GNU long name) may hold.
    static let metadataLimit = 1 << 20

    /// Opens the archive at `path`. Throws when it is missing, unreadable, a directory, empty, or compressed with
    /// a program that is not installed.
    public init(path: String) throws {
        self.path = path
        input = try TarInput(path: path)
    }

    deinit { input.abandon() }

    /// The compression found by the magic bytes, `nil` for a plain tar file.
    public var compression: CompressionFormat? { input.compression }

    /// The next member, skipping whatever data of the previous one was not read; `nil` after the last one (the
    /// archive's end-of-archive block, or the end of the file).
    ///
    /// - Throws: when the file is not a tar archive, a header is damaged, the archive is cut short, or the
    ///   decompressor fails.
    public func next() throws -> Member? {
        guard !finished else { return nil }
        do {
            return try readMember()
        } catch {
            finished = true
            input.abandon()
            throw error
        }
    }

    /// The next piece of the current member's data, at most `maxLength` bytes; `nil` once all of it was read.
    public func readData(upTo maxLength: Int = 1 << 20) throws -> ByteBuffer? {
        guard remaining > 0 else { return nil }
        let chunk = try input.read(upTo: Int(min(Int64(max(1, maxLength)), remaining)))
        guard chunk.readableBytes > 0 else {
            let error = input.truncated("a member's data")
            close()
            throw error
        }
        remaining -= Int64(chunk.readableBytes)
        return chunk
    }

    /// Stops reading (killing the decompressor, if any). Reading to the end with `next()` closes by itself.
    public func close() {
        finished = true
        input.abandon()
    }

    // MARK: - Headers

    private func readMember() throws -> Member? {
        try input.skip(remaining + padding, what: "a member's data")
        (remaining, padding) = (0, 0)
        var extended: [String: [UInt8]] = [:]
        var longName: [UInt8]?
        var longLink: [UInt8]?
        var sawMetadata = false
        while true {
            let first = count == 0 && !sawMetadata
            let block = try input.readBytes(TarFormat.blockSize)
            if block.isEmpty {
                if sawMetadata { throw input.truncated("a member after its extended header") }
                return try end()
            }
            guard block.count == TarFormat.blockSize else {
                throw input.truncated("a header", orElse: first ? notTar("it is too short") : nil)
            }
            let header = TarHeaderParser(block)
            if header.isZero {
                if sawMetadata { throw input.failure("an extended header is followed by the end of the archive") }
                return try end()
            }
            guard header.checksumMatches, let size = header.size, size >= 0 else {
                if first { throw notTar("its first header is not a tar header") }
                throw input.failure("damaged tar header at byte \(input.offset - Int64(TarFormat.blockSize))")
            }
            switch header.typeflag {
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                extended.merge(try paxRecords(size: size)) { $1 }
                sawMetadata = true
            case UInt8(ascii: "g"):
                global.merge(try paxRecords(size: size)) { $1 }
                sawMetadata = true
            case UInt8(ascii: "L"):
                longName = try metadata(size: size).prefix { $0 != 0 }
                sawMetadata = true
            case UInt8(ascii: "K"):
                longLink = try metadata(size: size).prefix { $0 != 0 }
                sawMetadata = true
            case UInt8(ascii: "V"):
                try skipData(size)  // a GNU volume label, not a member
            case UInt8(ascii: "S"), UInt8(ascii: "M"):
                throw input.failure("GNU sparse and multi-volume members are not supported")
            default:
                let attributes = global.merging(extended) { $1 }
                return try member(header, size: size, attributes: attributes, longName: longName, longLink: longLink)
            }
        }
    }

    private func member(
        _ header: TarHeaderParser, size headerSize: Int64, attributes: [String: [UInt8]], longName: [UInt8]?,
        longLink: [UInt8]?
    ) throws -> Member {
        var nameBytes = attributes["path"] ?? longName ?? header.name
        let linkBytes = attributes["linkpath"] ?? longLink ?? header.linkName
        var size = headerSize
        if let value = attributes["size"] {
            guard let number = TarHeaderParser.paxNumber(value), number >= 0 else {
                throw input.failure("bad size in a PAX header")
            }
            size = number
        }
        let slash = UInt8(ascii: "/")
        let kind: Member.Kind
        var hasData = false
        switch header.typeflag {
        case UInt8(ascii: "1"): kind = .hardLink(target: try text(linkBytes, what: "link target"))
        case UInt8(ascii: "2"): kind = .symlink(target: try text(linkBytes, what: "link target"))
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "D"):
            kind = .directory
            hasData = true  // a GNU dump directory carries a listing
        case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"): kind = .special(typeflag: header.typeflag)
        default:
            // Regular files ('0', '\0', '7' and, as POSIX says, unknown types); v7 marks directories by a slash.
            if nameBytes.last == slash && (header.typeflag == 0 || header.typeflag == UInt8(ascii: "0")) {
                kind = .directory
            } else {
                kind = .file
                hasData = true
            }
        }
        if kind == .directory { while nameBytes.count > 1 && nameBytes.last == slash { nameBytes.removeLast() } }
        let name = try text(nameBytes, what: "name")
        guard !name.isEmpty else { throw input.failure("a member has an empty name") }

        func value(_ key: String, _ fallback: Int64?) throws -> Int64 {
            if let bytes = attributes[key] {
                guard let number = TarHeaderParser.paxNumber(bytes) else {
                    throw input.failure("bad \(key) in a PAX header of '\(name)'")
                }
                return number
            }
            guard let fallback else { throw input.failure("bad \(key) in the header of '\(name)'") }
            return fallback
        }
        let mode = try value("mode", header.mode)
        let uid = try value("uid", header.uid)
        let gid = try value("gid", header.gid)
        let mtime = try value("mtime", header.mtime)

        let dataSize = hasData ? size : 0
        remaining = kind == .file ? dataSize : 0
        padding = (kind == .file ? 0 : dataSize) + Self.padding(dataSize)
        defer { count += 1 }
        return Member(
            name: name, kind: kind, size: kind == .file ? size : 0, mode: UInt32(truncatingIfNeeded: mode & 0o7777),
            uid: UInt32(clamping: uid), gid: UInt32(clamping: gid), mtime: mtime, index: count)
    }

    /// The end of the archive: reads through the rest of the stream and closes.
    private func end() throws -> Member? {
        finished = true
        try input.finish()
        return nil
    }

    private func paxRecords(size: Int64) throws -> [String: [UInt8]] {
        guard let records = TarHeaderParser.paxRecords(try metadata(size: size)) else {
            throw input.failure("malformed PAX extended header at byte \(input.offset)")
        }
        return records
    }

    /// The data of an extended header (and its padding).
    private func metadata(size: Int64) throws -> [UInt8] {
        guard size <= Self.metadataLimit else {
            throw input.failure("an extended header of \(size) bytes is larger than allowed")
        }
        let data = try input.readBytes(Int(size))
        guard data.count == Int(size) else { throw input.truncated("an extended header") }
        try input.skip(Self.padding(size), what: "an extended header")
        return data
    }

    private func skipData(_ size: Int64) throws {
        try input.skip(size + Self.padding(size), what: "a member's data")
    }

    private func text(_ bytes: [UInt8], what: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let shown = String(decoding: bytes, as: UTF8.self)
            throw input.failure("the \(what) '\(shown)' is not valid UTF-8")
        }
        return text
    }

    private func notTar(_ detail: String) -> DMapError {
        DMapError(.config, "'\(path)' is not a tar archive: \(detail)", object: path)
    }

    /// The zero bytes after `size` bytes of data, up to a whole block.
    static func padding(_ size: Int64) -> Int64 {
        let rest = size % Int64(TarFormat.blockSize)
        return rest == 0 ? 0 : Int64(TarFormat.blockSize) - rest
    }
}

extension TarReader {
    /// The members of the archive at `path`, in order (their headers only).
    public static func members(ofArchive path: String) throws -> [Member] {
        let reader = try TarReader(path: path)
        var members: [Member] = []
        while let member = try reader.next() { members.append(member) }
        return members
    }

    /// The names of the archive's top-level members, as Docker-Map's `DockerFile.add_archive` writes one
    /// `ADD <name> <name>` for each: the member names that hold no `/` once a leading `./` is stripped (and a
    /// directory's trailing `/`), in archive order, each once. The archive's own root (`.` or `./`) is left out.
    ///
    /// - Throws: `DMapError(.config)` naming `path` when it is missing, unreadable, a directory, not a tar archive
    ///   (plain, gzip, bzip2 or xz), or damaged.
    public static func topLevelNames(ofArchive path: String) throws -> [String] {
        let reader = try TarReader(path: path)
        var names: [String] = []
        var seen: Set<String> = []
        while let member = try reader.next() {
            let name = topLevelName(member.name)
            guard let name, seen.insert(name).inserted else { continue }
            names.append(name)
        }
        return names
    }

    /// `name` without leading `./` and trailing `/`, when it then names a top-level member.
    static func topLevelName(_ name: String) -> String? {
        var name = Substring(name)
        while name.hasPrefix("./") {
            name = name.dropFirst(2)
            while name.hasPrefix("/") { name = name.dropFirst() }
        }
        while name.count > 1 && name.hasSuffix("/") { name = name.dropLast() }
        if name.isEmpty || name == "." || name.contains("/") { return nil }
        return String(name)
    }
}
