import Foundation

/// The rules of a `.dockerignore` file, with the Docker engine's semantics (moby/patternmatcher and its
/// `ignorefile` reader): which paths of a build context are left out.
///
/// A path is excluded when the **last** rule matching it or one of its parent directories is a plain pattern;
/// `!` rules (exceptions) re-include. Patterns use Go's `filepath.Match` syntax (`*` and `?` do not cross `/`,
/// `[...]` classes, `\` escapes) plus `**` for any number of directories, none included.
public struct DockerIgnore: Sendable {
    /// One rule of the file.
    public struct Rule: Sendable {
        /// The pattern as matched: trimmed, cleaned, without its `!`.
        public var pattern: String { compiled.pattern }
        /// Whether this is a `!` rule, which re-includes what it matches.
        public var isException: Bool { compiled.isException }
        /// The line of the file (or position in the list) it came from, from 1.
        public let line: Int
        let compiled: IgnorePattern
    }

    public let rules: [Rule]

    /// No rules: nothing is excluded.
    public init() { rules = [] }

    /// Rules from patterns given one per element, as `patternmatcher.New` takes them (trimmed and cleaned, `!`
    /// for exceptions; empty ones skipped). A lone `!` or a malformed pattern is a `DMapError(.config)` naming
    /// `source` and the position.
    public init(patterns: [String], source: String = "ignore patterns") throws {
        try self.init(numbered: patterns.enumerated().map { ($0.offset + 1, $0.element) }, source: source)
    }

    /// Rules from the contents of a `.dockerignore` file; errors name `source` and the line.
    public init(contents: [UInt8], source: String = ".dockerignore") throws {
        try self.init(numbered: Self.patternLines(contents), source: source)
    }

    /// Rules from the text of a `.dockerignore` file.
    public init(contents: String, source: String = ".dockerignore") throws {
        try self.init(contents: Array(contents.utf8), source: source)
    }

    private init(numbered: [(line: Int, pattern: String)], source: String) throws {
        var rules: [Rule] = []
        for (line, text) in numbered {
            do {
                if let compiled = try IgnorePattern(text) { rules.append(Rule(line: line, compiled: compiled)) }
            } catch {
                throw DMapError(.config, "\(source) line \(line): \(error.reason)", object: source)
            }
        }
        self.rules = rules
    }

    /// Reads the ignore file at `path`; nil when there is none. An unreadable or malformed file is a
    /// `DMapError(.config)`.
    public static func load(path: String) throws -> DockerIgnore? {
        guard FileStatus.of(path, follow: true) != nil else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw DMapError(.config, "cannot read \(path): \(FileStatus.reason())", object: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DMapError(.config, "cannot read \(path): \(error.localizedDescription)", object: path)
        }
        return try DockerIgnore(contents: [UInt8](data), source: path)
    }

    /// The patterns of an ignore file with their line numbers, as moby's `ignorefile.ReadAll` reads them: a UTF-8
    /// BOM is dropped from the first line; a line whose first character is `#` is a comment; lines are trimmed and
    /// empty ones skipped; after an optional `!` (itself followed by optional blanks) the pattern is cleaned
    /// (`filepath.Clean`) and one leading `/` removed.
    public static func patternLines(_ contents: [UInt8]) -> [(line: Int, pattern: String)] {
        var lines = contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if contents.last == UInt8(ascii: "\n") { lines.removeLast() }
        var out: [(line: Int, pattern: String)] = []
        for (offset, var bytes) in lines.enumerated() {
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            if offset == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if bytes.first == UInt8(ascii: "#") { continue }
            var pattern = IgnorePattern.trimSpace(String(decoding: bytes, as: UTF8.self))
            if pattern.isEmpty { continue }
            let invert = pattern.unicodeScalars.first == "!"
            if invert { pattern = IgnorePattern.trimSpace(String(pattern.unicodeScalars.dropFirst())) }
            if !pattern.isEmpty {
                pattern = SlashPath.clean(pattern)
                if pattern.utf8.count > 1, pattern.utf8.first == UInt8(ascii: "/") {
                    pattern = String(pattern.unicodeScalars.dropFirst())
                }
            }
            out.append((offset + 1, invert ? "!" + pattern : pattern))
        }
        return out
    }

    /// Whether any rule is an exception (`!`).
    public var hasExceptions: Bool { rules.contains { $0.isException } }

    /// Whether `path` (relative to the context root, `/`-separated) is excluded: moby's `MatchesOrParentMatches`,
    /// where a rule matches a path when it matches the path itself or any of its parent directories, and the last
    /// matching rule decides. The root itself (`.`) is never excluded.
    public func excludes(_ path: String) -> Bool {
        let file = SlashPath.clean(path)
        if file == "." { return false }
        var elements = SlashPath.components(file)
        if file.utf8.first == UInt8(ascii: "/") { elements.insert("", at: 0) }
        var parents = ParentMatches(ruleCount: rules.count)
        var parent = ""
        for (index, element) in elements.dropLast().enumerated() {
            parent = index == 0 ? element : parent + "/" + element
            parents = evaluate(parent, below: parents, isDirectory: true).parents
        }
        return evaluate(file, below: parents, isDirectory: false).excluded
    }

    /// For each rule, whether it matches a directory or one of the directories above it: what a walk carries down
    /// so that each path is matched once per rule, not once per rule and parent.
    struct ParentMatches {
        fileprivate var matched: [Bool]
        init(ruleCount: Int) { matched = Array(repeating: false, count: ruleCount) }
    }

    /// Whether `path` is excluded, given what the rules said about its parent directory; and, for a directory,
    /// what they say about `path` itself, to pass down to its children. Same answers as `excludes(_:)`.
    func evaluate(_ path: String, below parent: ParentMatches, isDirectory: Bool) -> (
        excluded: Bool, parents: ParentMatches
    ) {
        let scalars = Array(path.unicodeScalars)
        var own = parent
        var excluded = false
        for (index, rule) in rules.enumerated() {
            // A file needs only the rules that could change the verdict so far; a directory needs all of them.
            if !own.matched[index] && (isDirectory || rule.isException == excluded) {
                own.matched[index] = rule.compiled.matches(path, scalars: scalars)
            }
            if own.matched[index] && rule.isException == excluded { excluded = !rule.isException }
        }
        return (excluded, own)
    }

    /// Whether some path strictly below `directory` could be re-included by an exception rule. When `directory`
    /// is excluded and this is false, everything below it is excluded too and a walk need not descend (a
    /// conservative answer: true when unsure).
    public func mayReinclude(below directory: String) -> Bool {
        rules.contains { $0.isException && $0.compiled.couldMatch(below: directory) }
    }
}
