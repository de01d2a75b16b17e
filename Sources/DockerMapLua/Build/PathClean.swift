/// Slash-path helpers shared by the `.dockerignore` matcher and the build-context walker.
///
/// They work on Unicode scalars, never on `Character`s, so that a `/` followed by a combining mark is still a
/// separator and two differently normalised names stay different, as they are on disk.
enum SlashPath {
    /// Go's `path.Clean` (`filepath.Clean` on Unix): the shortest path equivalent to `path`.
    ///
    /// Repeated slashes collapse, `.` elements go, `..` removes the element before it (or disappears at the root of
    /// a rooted path), trailing slashes go, and the empty result is `.`.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.utf8.first == UInt8(ascii: "/")
        var parts: [String] = []
        for element in components(path) {
            switch element {
            case ".":
                continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append("..")
                }
            default:
                parts.append(element)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The non-empty elements of `path` between slashes.
    static func components(_ path: String) -> [String] {
        path.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
    }

    /// Whether `path` starts with `prefix`, byte for byte.
    static func hasPrefix(_ path: String, _ prefix: String) -> Bool {
        path.utf8.starts(with: prefix.utf8)
    }

    /// Whether `path` ends with `suffix`, byte for byte.
    static func hasSuffix(_ path: String, _ suffix: String) -> Bool {
        path.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes, as Go sorts directory entries.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `path` made into a relative archive name: cleaned, leading slashes dropped; `nil` when it names the root or
    /// climbs out of it (`..`).
    static func archiveName(_ path: String) -> String? {
        var cleaned = clean(path)
        if cleaned.utf8.first == UInt8(ascii: "/") {
            cleaned = String(String.UnicodeScalarView(cleaned.unicodeScalars.dropFirst()))
        }
        if cleaned.isEmpty || cleaned == "." || cleaned == ".." || hasPrefix(cleaned, "../") { return nil }
        return cleaned
    }
}
