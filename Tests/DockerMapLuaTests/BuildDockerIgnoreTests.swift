import Testing
@testable import DockerMapLua

/// A `.dockerignore` and what it does to some paths (`true`: excluded).
struct MatchCase: CustomTestStringConvertible, Sendable {
    let name: String
    let file: String
    let paths: KeyValuePairs<String, Bool>
    init(_ name: String, _ file: String, _ paths: KeyValuePairs<String, Bool>) {
        (self.name, self.file, self.paths) = (name, file, paths)
    }
    var testDescription: String { name }
}

/// A `.dockerignore` that moby rejects.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let file: String
    init(_ name: String, _ file: String) { (self.name, self.file) = (name, file) }
    var testDescription: String { name }
}

/// Every expectation below was produced by running moby/patternmatcher itself (`ignorefile.ReadAll`, `New`,
/// `MatchesOrParentMatches`) on the same input, with current Go's `filepath.Match` (which checks the whole pattern).
let mobyMatchCases: [MatchCase] = [
    MatchCase(
        "**/*.go in any directory", "**/*.go",
        [
            "a.go": true, "x/y/a.go": true, "a.gox": false, "go": false, "x/go": false
        ]),
    MatchCase(
        "a/** is everything below a, not a", "a/**",
        [
            "a": false, "a/b": true, "a/b/c": true, "ab": false, "b/a/c": false
        ]),
    MatchCase("** alone is everything", "**", ["x": true, "x/y": true, ".dockerignore": true]),
    MatchCase(
        "**/ prefix matches at the root too", "**/foo",
        [
            "foo": true, "a/foo": true, "a/b/foo": true, "a/foo/bar": true, "afoo": false
        ]),
    MatchCase("**suffix is a plain suffix test", "**.txt", ["b.txt": true, "a/b.txt": true, "a/btxt": false]),
    MatchCase(
        "inner ** spans zero or more directories", "a/**/z",
        [
            "a/z": true, "a/b/z": true, "a/b/c/z": true, "a/bz": false, "ab/z": false
        ]),
    MatchCase("trailing ** after a wildcard", "*/**", ["a": false, "a/b": true, "a/b/c": true]),
    MatchCase(
        "exception after exclusion re-includes", "*.md\n!README.md",
        [
            "a.md": true, "README.md": false, "docs/a.md": false, "docs/README.md": false
        ]),
    MatchCase("exclusion after exception wins", "!README.md\n*.md", ["README.md": true, "a.md": true]),
    MatchCase(
        "exception re-excluded by a later line", "*.md\n!README*.md\nREADME-secret.md",
        [
            "README.md": false, "README-secret.md": true, "x.md": true
        ]),
    MatchCase(
        "directory pattern excludes its contents", "build",
        [
            "build": true, "build/x": true, "build/x/y": true, "builder": false, "a/build": false
        ]),
    MatchCase("trailing slash is cleaned away", "docs/", ["docs": true, "docs/x": true, "docsx": false]),
    MatchCase(
        "parent directory matching through a wildcard", "docs/*",
        [
            "docs": false, "docs/a": true, "docs/a/b.txt": true
        ]),
    MatchCase(
        "exception inside an excluded directory", "a\n!a/b",
        [
            "a": true, "a/b": false, "a/b/c": false, "a/c": true
        ]),
    MatchCase("exception for a parent re-includes its children", "a/b\n!a", ["a/b": false, "a/b/c": false, "a": false]),
    MatchCase("* does not cross /", "*/tmp", ["x/tmp": true, "x/y/tmp": false, "tmp": false, "x/tmp/z": true]),
    MatchCase(
        "? is one character, not /", "file?.txt",
        [
            "file1.txt": true, "file.txt": false, "file12.txt": false, "file/.txt": false, "fileé.txt": true
        ]),
    MatchCase(
        "character classes and ranges", "[a-c]*.log",
        [
            "a1.log": true, "c.log": true, "d1.log": false, "A.log": false
        ]),
    MatchCase("negated class with ^", "[^a-c].txt", ["d.txt": true, "a.txt": false, "/.txt": true, "dd.txt": false]),
    MatchCase("! inside a class is literal in Go", "[!a].txt", ["!.txt": true, "a.txt": true, "b.txt": false]),
    MatchCase("escaped star", "\\*.txt", ["*.txt": true, "a.txt": false]),
    MatchCase("escaped question mark", "a\\?", ["a?": true, "ab": false]),
    MatchCase("escaped backslash", "a\\\\", ["a\\": true, "a": false]),
    MatchCase("regexp metacharacters are literal", "a.b+(c)|{d}$", ["a.b+(c)|{d}$": true, "aXb+(c)|{d}$": false]),
    MatchCase("regexp metacharacters with a wildcard", "v1.*", ["v1.0": true, "v1x0": false, "v1.": true]),
    MatchCase(
        "# starts a comment only as first character", "# comment\nfoo\n  # not a comment",
        [
            "# comment": false, "foo": true, "# not a comment": true
        ]),
    MatchCase("surrounding whitespace is trimmed", "  foo  \n\t bar\t", ["foo": true, "bar": true, " foo": false]),
    MatchCase("blank after ! is trimmed", "*\n!  keep", ["keep": false, "other": true]),
    MatchCase("a leading / is removed", "/foo/bar", ["foo/bar": true, "foo/bar/baz": true, "x/foo/bar": false]),
    MatchCase("./ and .. are cleaned", "./a/../b\n./c/./d", ["b": true, "a": false, "a/b": false, "c/d": true]),
    MatchCase("patterns climbing out never match", "../x", ["x": false, "../x": true]),
    MatchCase(
        "a UTF-8 BOM is dropped from the first line", "\u{FEFF}foo\n\u{FEFF}bar",
        [
            "foo": true, "bar": false, "\u{FEFF}bar": true
        ]),
    MatchCase("CRLF line ends", "foo\r\nbar\r\n", ["foo": true, "bar": true]),
    MatchCase(
        "last matching line wins across many", "a\n!a\na\n!a/keep",
        [
            "a": true, "a/x": true, "a/keep": false, "a/keep/y": false
        ]),
    MatchCase(
        "everything but an exception", "*\n!src\n!Dockerfile",
        [
            "src": false, "src/main.c": false, "Dockerfile": false, "README": true, "docs/x": true
        ]),
    MatchCase(
        "everything but a deep exception", "**\n!util/docker/web",
        [
            "util/docker/web/foo": false, "util/docker": true, "util/other": true
        ]),
    MatchCase("unicode names", "*.txt\n?.md", ["日本.txt": true, "é.md": true, "éé.md": false, "dir/é.md": false]),
    MatchCase("^ outside a class in a wildcard pattern is an anchor", "^*", ["^a": true, "a": true, "a/b": true]),
    MatchCase("^ in a plain pattern is literal", "a^b", ["a^b": true, "ab": false]),
    MatchCase("star inside a class follows the regexp", "[*]", ["*": false, "]": true, "[]": true, "[^]": true]),
    MatchCase("perl class escape follows the regexp", "v\\d", ["v1": true, "vd": false, "v": false]),
    MatchCase("\\b is a word boundary, as in the regexp", "a\\b*", ["a": true, "ab": false, "a.b": true, "a-": true]),
    MatchCase(
        "| in a wildcard pattern is an alternation (moby leaves it bare)", "a|b*",
        [
            "a": true, "axyz": true, "zb": true, "q/b": true, "c": false
        ]),
    MatchCase(
        "alternation branches keep only their own anchor", "a|\\x41x",
        [
            "abc": true, "zAx": true, "zA": false, "Ax/q": true
        ]),
    MatchCase("an empty last branch matches every path", "x*|", ["anything": true, "a/b": true]),
    MatchCase(
        "{n} in a wildcard pattern is a repetition", "x{2}*",
        [
            "xx": true, "x": false, "xxy": true, "x{2}": false
        ]),
    MatchCase("{ that starts no repetition is literal", "*{", ["a{": true, "a": false]),
    MatchCase("| and {} in a plain pattern are literal", "a|b{2}", ["a|b{2}": true, "a": false, "abb": false]),
    MatchCase("posix class follows the regexp", "[[:digit:]]x", ["1x": true, ":x": false, "dx": false]),
    MatchCase("empty lines and comments only", "\n\n# nothing\n", ["a": false]),
    MatchCase("hex escape", "\\x41", ["A": true, "x41": false]),
]

/// Rejected by moby: when the file is read (`New`), or, where marked, when the pattern is first matched against a
/// path (its regular expression does not compile); here all are rejected when the file is read.
let mobyErrorCases: [ErrorCase] = [
    // moby: syntax error in pattern
    ErrorCase("escaped class members", "x[\\]-]"),
    // moby: illegal exclusion pattern: "!"
    ErrorCase("lone !", "foo\n!"),
    // moby: illegal exclusion pattern: "!"
    ErrorCase("! followed by blanks only", "foo\n!   "),
    // moby: illegal exclusion pattern: "!"
    ErrorCase("!/ cleans to a lone !", "!/"),
    // moby: syntax error in pattern
    ErrorCase("unclosed class", "ok\n["),
    // moby: syntax error in pattern
    ErrorCase("empty class", "[]a]"),
    // moby: syntax error in pattern
    ErrorCase("class range missing its end", "[a-]"),
    // moby: syntax error in pattern
    ErrorCase("class starting with -", "[-a]"),
    // moby: syntax error in pattern
    ErrorCase("trailing backslash", "foo\\"),
    // moby: error parsing regexp: invalid character class range: `z-a` (when first matching)
    ErrorCase("backwards range", "[z-a]"),
    // moby: error parsing regexp: invalid escape sequence: `\q` (when first matching)
    ErrorCase("unknown escape", "a\\q*"),
    // moby: error parsing regexp: invalid nested repetition operator: `*{2}` (when first matching)
    ErrorCase("stacked repetition", "a*{2}"),
]

@Suite("Build: .dockerignore")
struct BuildDockerIgnoreTests {
    @Test("matches as moby does", arguments: mobyMatchCases)
    func matchesLikeMoby(_ test: MatchCase) throws {
        let ignore = try DockerIgnore(contents: test.file)
        for (path, excluded) in test.paths {
            #expect(ignore.excludes(path) == excluded, "\(path)")
        }
    }

    @Test("rejects what moby rejects, as a config error naming the line", arguments: mobyErrorCases)
    func rejectsLikeMoby(_ test: ErrorCase) throws {
        let error = try #require(throws: DMapError.self) { try DockerIgnore(contents: test.file, source: "ctx/.dockerignore") }
        #expect(error.kind == .config)
        let line = test.file.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(error.message.hasPrefix("ctx/.dockerignore line \(line): "), "\(error.message)")
    }

    @Test("a lone ! is reported as such")
    func loneBang() throws {
        let error = try #require(throws: DMapError.self) { try DockerIgnore(contents: "a\n\n!\n") }
        #expect(error.message == ".dockerignore line 3: illegal exclusion pattern: \"!\"")
    }

    @Test("the file is read as ignorefile.ReadAll reads it")
    func readsLines() {
        let text = "\u{FEFF}# comment\r\n  /abs/path/  \n\n!  ./x/../y\n #x\n/\n"
        let lines = DockerIgnore.patternLines(Array(text.utf8))
        #expect(lines.map(\.line) == [2, 4, 5, 6])
        #expect(lines.map(\.pattern) == ["abs/path", "!y", "#x", "/"])
    }

    @Test("patterns given as a list follow patternmatcher.New")
    func patternList() throws {
        let ignore = try DockerIgnore(patterns: ["  *.log ", "", "!keep.log", "tmp/"])
        #expect(ignore.rules.map(\.pattern) == ["*.log", "keep.log", "tmp"])
        #expect(ignore.rules.map(\.line) == [1, 3, 4])
        #expect(ignore.hasExceptions)
        #expect(ignore.excludes("a.log") && !ignore.excludes("keep.log") && ignore.excludes("tmp/x"))
        #expect(!ignore.excludes(".") && !ignore.excludes(""))
        #expect(!DockerIgnore().excludes("anything"))
    }

    @Test("matching a walk's paths with their parent's results gives the same answers", arguments: mobyMatchCases)
    func parentResults(_ test: MatchCase) throws {
        let ignore = try DockerIgnore(contents: test.file)
        for (path, excluded) in test.paths where !path.hasPrefix("/") && !path.hasPrefix("../") {
            var parents = DockerIgnore.ParentMatches(ruleCount: ignore.rules.count)
            var directory = ""
            for element in path.split(separator: "/").dropLast() {
                directory += (directory.isEmpty ? "" : "/") + element
                parents = ignore.evaluate(directory, below: parents, isDirectory: true).parents
            }
            #expect(ignore.evaluate(path, below: parents, isDirectory: false).excluded == excluded, "\(path)")
        }
    }

    @Test("pruning: an excluded directory is entered only when an exception could reach below it")
    func reinclusion() throws {
        let plain = try DockerIgnore(contents: "build\nnode_modules")
        #expect(!plain.mayReinclude(below: "build"))
        let exact = try DockerIgnore(contents: "build\n!build/keep/me.txt")
        #expect(exact.mayReinclude(below: "build") && exact.mayReinclude(below: "build/keep"))
        #expect(!exact.mayReinclude(below: "build/other") && !exact.mayReinclude(below: "buildx"))
        let wild = try DockerIgnore(contents: "*\n!*/keep")
        #expect(wild.mayReinclude(below: "a") && !wild.mayReinclude(below: "a/b"))
        let deep = try DockerIgnore(contents: "docs\n!**/*.go")
        #expect(deep.mayReinclude(below: "docs") && deep.mayReinclude(below: "docs/x/y"))
        let prefix = try DockerIgnore(contents: "vendor\n!vendor/keep/**")
        #expect(prefix.mayReinclude(below: "vendor") && prefix.mayReinclude(below: "vendor/keep/x"))
        #expect(!prefix.mayReinclude(below: "vendor/other"))
        let classes = try DockerIgnore(contents: "out\n![o]ut/[0-9]*")
        #expect(classes.mayReinclude(below: "out") && !classes.mayReinclude(below: "out/1"))
        // A bare `|` splits moby's anchors: `b*$` may match at the end of any path.
        let alternation = try DockerIgnore(contents: "out\n!x|b*")
        #expect(alternation.mayReinclude(below: "out/deep") && !alternation.excludes("out/deep/ab"))
    }
}
