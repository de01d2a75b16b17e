import Foundation

/// Python's `os.path.expandvars` and `os.path.expanduser` (POSIX flavour) over an injected environment, so that
/// `Dockerfile.addFile` gives the same result in tests on any machine.
public struct PathExpansion: Sendable {
    /// The variables `$NAME` and `${NAME}` expand to; `HOME` is also what `~` expands to.
    public var environment: [String: String]
    /// The home directory of a user (`nil`: the current user), used for `~user`, and for `~` without `HOME`.
    public var homeDirectory: @Sendable (String?) -> String?

    /// Expansion with `environment`; home directories of other users come from the password database unless
    /// `homeDirectory` is given.
    public init(environment: [String: String], homeDirectory: (@Sendable (String?) -> String?)? = nil) {
        self.environment = environment
        self.homeDirectory = homeDirectory ?? PathExpansion.passwordDatabaseHome
    }

    /// Expansion with this process's environment.
    public static var process: PathExpansion { PathExpansion(environment: ProcessInfo.processInfo.environment) }

    /// The home directory of `user` (or of the current user) in the password database.
    public static func passwordDatabaseHome(_ user: String?) -> String? {
        let entry = user.map { getpwnam($0) } ?? getpwuid(getuid())
        guard let entry, let dir = entry.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// `os.path.expandvars`: each `$name` (ASCII letters, digits, `_`) or `${anything}` whose name is set is
    /// replaced by its value (not expanded again); unknown names are left as they are.
    public func expandVariables(_ path: String) -> String {
        guard path.contains("$") else { return path }
        let scalars = Array(path.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isWord(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c == "_" || CharacterSet.alphanumerics.contains(c))
        }
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$", i + 1 < scalars.count else {
                out.append(c)
                i += 1
                continue
            }
            var end = i + 1
            let name: String
            if isWord(scalars[end]) {
                while end < scalars.count && isWord(scalars[end]) { end += 1 }
                name = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
            } else if scalars[end] == "{", let close = scalars[(end + 1)...].firstIndex(of: "}") {
                name = String(String.UnicodeScalarView(scalars[(end + 1)..<close]))
                end = close + 1
            } else {
                out.append(c)
                i += 1
                continue
            }
            if let value = environment[name] {
                out.append(contentsOf: value.unicodeScalars)
            } else {
                out.append(contentsOf: scalars[i..<end])
            }
            i = end
        }
        return String(out)
    }

    /// `os.path.expanduser`: a leading `~` (up to the first `/`) becomes `$HOME` (else the current user's home), a
    /// leading `~user` that user's home; the home's trailing slashes are dropped. Unknown users leave the path as it is.
    public func expandUser(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let afterTilde = path.index(after: path.startIndex)
        let slash = path[afterTilde...].firstIndex(of: "/") ?? path.endIndex
        let user = String(path[afterTilde..<slash])
        let home: String
        if user.isEmpty, let fromEnvironment = environment["HOME"] {
            home = fromEnvironment
        } else if let found = homeDirectory(user.isEmpty ? nil : user) {
            home = found
        } else {
            return path
        }
        var trimmed = Substring(home)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let result = String(trimmed) + path[slash...]
        return result.isEmpty ? "/" : result
    }

    /// Docker-Map's `prepare_path`: variables, then user, then (when `replaceSpace`) each space becomes `\ `.
    /// Its `replace_sep` (`os.sep` to `/`) does nothing on the POSIX systems this runs on.
    public func prepare(_ path: String, replaceSpace: Bool, expandVariables vars: Bool, expandUser user: Bool) -> String {
        var result = path
        if vars { result = expandVariables(result) }
        if user { result = expandUser(result) }
        if replaceSpace { result = result.replacingOccurrences(of: " ", with: "\\ ") }
        return result
    }

    /// The last component of `path` as Python's `os.path.split` gives it, looking past one trailing run of slashes
    /// (`/tmp/ctx/` gives `ctx`); `nil` when there is none (`/`, empty).
    static func lastComponent(_ path: String) -> String? {
        func split(_ p: Substring) -> (head: Substring, tail: Substring) {
            let cut = p.lastIndex(of: "/").map { p.index(after: $0) } ?? p.startIndex
            var head = p[..<cut]
            if !head.isEmpty && head.contains(where: { $0 != "/" }) {
                while head.hasSuffix("/") { head = head.dropLast() }
            }
            return (head, p[cut...])
        }
        var (head, tail) = split(Substring(path))
        if tail.isEmpty { tail = split(head).tail }
        return tail.isEmpty ? nil : String(tail)
    }
}
