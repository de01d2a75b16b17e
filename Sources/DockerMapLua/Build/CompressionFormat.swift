/// A stream compression that build contexts and archives may use: gzip or bzip2 (both written and read), xz (read
/// only). Each is done by the system's own program, run as a filter (`CompressProcess`).
public enum CompressionFormat: String, Sendable, CaseIterable {
    case gzip = "gz"
    case bzip2 = "bz2"
    case xz = "xz"

    /// The format for a Lua `compression` option: `"gz"`/`"gzip"`, `"bz2"`/`"bzip2"`; `nil` for none (`""`,
    /// `"none"`). Anything else is a `DMapError(.usage)`.
    public static func option(_ text: String) throws -> CompressionFormat? {
        switch text.lowercased() {
        case "", "none", "tar": return nil
        case "gz", "gzip", "tgz": return .gzip
        case "bz2", "bzip2", "tbz", "tbz2": return .bzip2
        default:
            throw DMapError(.usage, "unknown compression '\(text)': use \"gz\", \"bz2\" or none")
        }
    }

    /// The format whose magic bytes start `bytes`, if any.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> CompressionFormat? {
        let head = Array(bytes.prefix(6))
        if head.starts(with: [0x1f, 0x8b]) { return .gzip }
        if head.starts(with: Array("BZh".utf8)) { return .bzip2 }
        if head.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        return nil
    }

    /// Docker-Map's `stream_encoding`: `gzip`, `bzip2` or `xz` (what `Content-Encoding` may say).
    public var encodingName: String {
        switch self {
        case .gzip: return "gzip"
        case .bzip2: return "bzip2"
        case .xz: return "xz"
        }
    }

    /// The program that does the work, looked up on the `PATH` (then `/usr/bin`, `/bin`).
    var program: String {
        switch self {
        case .gzip: return "gzip"
        case .bzip2: return "bzip2"
        case .xz: return "xz"
        }
    }

    /// Arguments that compress stdin to stdout, at the program's default level (as `tar -czf`/`-cjf` do).
    var compressArguments: [String] { ["-c"] }

    /// Arguments that decompress stdin to stdout.
    var decompressArguments: [String] { ["-dc"] }

    /// Whether exit status `code` means success: gzip exits with 2 for a mere warning (e.g. trailing garbage).
    func succeeded(exitCode code: CInt) -> Bool {
        code == 0 || (self == .gzip && code == 2)
    }
}
