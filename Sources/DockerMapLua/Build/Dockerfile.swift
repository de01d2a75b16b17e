import Foundation

/// Docker-Map's `DockerFile`: Dockerfile text written line by line, delayed properties written by `finalize()`, and
/// the files and archives that `ADD` lines refer to, recorded for the build context.
///
/// Every write and every property change after `finalize()` is a `DMapError(.usage)`. Not thread-safe: it belongs to
/// the one Lua thread (take `text`, `files` and `archives` as values to hand them elsewhere).
public final class Dockerfile {
    /// Docker-Map's `DEFAULT_BASEIMAGE`.
    public static let defaultBaseImage = "tianon/true:latest"

    /// A file added with `addFile`, for the build context.
    public struct AddedFile: Sendable, Hashable {
        /// The file or directory on disk (variables and `~` expanded as asked).
        public var source: String
        /// The context path as Docker-Map records it: as written on the `ADD` line (spaces escaped with
        /// `replaceSpace`).
        public var contextPath: String
        /// The name the file should have in the context archive: the context path without the space escapes (the
        /// builder reads `a\ b` on the `ADD` line as `a b`) and without leading slashes (as Python's `tarfile` stores
        /// it; `ADD` sources are relative to the context root anyway).
        public var archiveName: String
    }

    /// The text so far.
    public private(set) var text = ""
    /// Whether `finalize()` has run; after that, nothing can change.
    public private(set) var isFinalized = false
    /// The files added with `addFile`, in order.
    public private(set) var files: [AddedFile] = []
    /// The archives added with `addArchive`, in order.
    public private(set) var archives: [String] = []
    /// What `finalize()` removes with `RUN rm -Rf`, in the order first added. (Docker-Map keeps a `set`, whose order
    /// varies from run to run; insertion order makes the output deterministic.)
    public private(set) var removals: [String] = []
    var properties: [Property: Value] = [:]
    /// The expansion of `$VAR` and `~` for `addFile`.
    public let expansion: PathExpansion

    /// Writes `FROM baseimage` (when non-empty), a blank line, `MAINTAINER maintainer` and a blank line (when
    /// non-empty), then `initial` (a string as one line, a list as lines); `properties` sets the delayed properties.
    /// Bad property values or a bad `initial` are `DMapError(.usage)` errors naming them.
    public init(
        baseimage: String? = Dockerfile.defaultBaseImage, maintainer: String? = nil, initial: Value = .null,
        properties: [Property: Value] = [:], expansion: PathExpansion = .process
    ) throws {
        self.expansion = expansion
        for property in Property.allCases {
            if let value = properties[property] { try set(property, to: value) }
        }
        if let baseimage, !baseimage.isEmpty { try prefix("FROM", [.string(baseimage)]) }
        try blank()
        if let maintainer, !maintainer.isEmpty {
            try prefix("MAINTAINER", [.string(maintainer)])
            try blank()
        }
        switch initial {
        case .null, .object([:]): break
        case .string(let s): try writeline(s)
        case .array(let lines): try writelines(lines.map { try Self.word($0, "initial") })
        default: throw DMapError(.usage, "dockerfile: 'initial' must be a string or a list of lines, got \(initial.typeName)")
        }
    }

    // MARK: Writing

    func checkNotFinalized(_ what: String? = nil) throws {
        guard isFinalized else { return }
        let subject = what.map { "cannot set '\($0)': the Dockerfile" } ?? "the Dockerfile"
        throw DMapError(.usage, "\(subject) cannot be changed after it has been finalized")
    }

    static func word(_ value: Value, _ method: String) throws -> String {
        guard let w = DockerfileFormat.word(value) else {
            throw DMapError(.usage, "dockerfile \(method): expected a string or a number, got \(value.typeName)")
        }
        return w
    }

    /// Appends `s` as it is.
    public func write(_ s: String) throws {
        try checkNotFinalized()
        text += s
    }

    /// Appends `s` and a newline.
    public func writeline(_ s: String) throws {
        try write(s + "\n")
    }

    /// Appends each of `lines` with a newline.
    public func writelines(_ lines: [String]) throws {
        for line in lines { try writeline(line) }
    }

    /// A blank line.
    public func blank() throws { try write("\n") }

    /// `# text`, or a bare `#` line when `text` is empty or absent.
    public func comment(_ text: String? = nil) throws {
        if let text, !text.isEmpty { try prefix("#", [.string(text)]) } else { try write("#\n") }
    }

    /// Writes `prefix`, then (only when `args` is not empty) a space, the arguments joined by spaces, and a newline.
    /// As in Docker-Map, `prefix("#")` alone writes no newline. Arguments are strings or numbers.
    public func prefix(_ prefix: String = "#", _ args: [Value] = []) throws {
        let words = try args.map { try Self.word($0, "prefix") }
        try write(words.isEmpty ? prefix : "\(prefix) \(words.joined(separator: " "))\n")
    }

    /// One `prefix` line per item of `lines`: a list gives its items as arguments, an empty value (nil, false, `""`,
    /// zero, an empty list) a blank line, anything else one argument. (Docker-Map writes a bare prefix without newline
    /// for an empty list; here it is a blank line like the other empty values.)
    public func prefixAll(_ prefix: String = "#", _ lines: [Value]) throws {
        for line in lines {
            switch line {
            case .null, .bool(false), .string(""), .int(0), .double(0), .array([]), .object([:]): try blank()
            case .array(let items): try self.prefix(prefix, items)
            default: try self.prefix(prefix, [line])
            }
        }
    }

    /// `RUN` with the arguments joined by spaces (no newline without arguments, as `prefix`).
    public func run(_ args: [Value]) throws { try prefix("RUN", args) }

    /// One `RUN` per line (as `prefixAll`).
    public func runAll(_ lines: [Value]) throws { try prefixAll("RUN", lines) }

    /// One `RUN l1 && l2 && …`.
    public func runJoin(_ lines: [Value]) throws {
        try prefix("RUN", [.string(try lines.map { try Self.word($0, "run_join") }.joined(separator: " && "))])
    }

    // MARK: Files

    /// Writes `ADD <context path> <target>` and records the file for the context; returns the context path as
    /// written. The target defaults to the last component of `source` (as given, before expansion); the context path
    /// defaults to the target. `expandVariables`/`expandUser` apply to all three; `replaceSpace` escapes spaces in
    /// target and context path. `removeFinal` removes the target in `finalize()`.
    @discardableResult
    public func addFile(
        _ source: String, destination: String? = nil, contextPath: String? = nil, replaceSpace: Bool = true,
        expandVariables: Bool = false, expandUser: Bool = false, removeFinal: Bool = false
    ) throws -> String {
        try checkNotFinalized()
        let dst: String
        if let destination, !destination.isEmpty {
            dst = destination
        } else if let last = PathExpansion.lastComponent(source) {
            dst = last
        } else {
            throw DMapError(.usage, "dockerfile add_file: cannot make a target path from '\(source)'; give it explicitly")
        }
        func prepare(_ path: String, spaces: Bool) -> String {
            expansion.prepare(path, replaceSpace: spaces, expandVariables: expandVariables, expandUser: expandUser)
        }
        let target = prepare(dst, spaces: replaceSpace)
        let ctx = contextPath.flatMap { $0.isEmpty ? nil : $0 } ?? dst
        let context = contextPath?.isEmpty == false ? prepare(ctx, spaces: replaceSpace) : target
        try prefix("ADD", [.string(context), .string(target)])
        files.append(AddedFile(source: prepare(source, spaces: false), contextPath: context,
                               archiveName: String(prepare(ctx, spaces: false).drop { $0 == "/" })))
        if removeFinal { remove(target) }
        return context
    }

    /// Writes `ADD m m` for each top-level member `m` of the tar archive at `path` (optionally compressed), and
    /// records the archive for the context. `removeFinal` removes those members in `finalize()`. Returns the names.
    @discardableResult
    public func addArchive(_ path: String, removeFinal: Bool = false) throws -> [String] {
        try checkNotFinalized()
        let names = try TarReader.topLevelNames(ofArchive: path)
        try prefixAll("ADD", names.map { .array([.string($0), .string($0)]) })
        if removeFinal { names.forEach(remove) }
        archives.append(path)
        return names
    }

    private func remove(_ path: String) {
        if !removals.contains(path) { removals.append(path) }
    }

    /// Appends `path` to `volumes`.
    public func addVolume(_ path: String) throws {
        try checkNotFinalized()
        var volumes: [Value] = []
        if case .array(let items)? = properties[.volumes] { volumes = items }
        properties[.volumes] = .array(volumes + [.string(path)])
    }

    // MARK: Properties

    /// The value of `property` as kept (normalized by `set`); `.null` when unset.
    public func value(of property: Property) -> Value {
        properties[property] ?? (property == .commandShell ? .bool(false) : .null)
    }

    /// Sets `property` (`.null` unsets it). A value of the wrong shape is a `DMapError(.usage)` naming the property.
    public func set(_ property: Property, to value: Value) throws {
        try checkNotFinalized(property.rawValue)
        let normalized = try property.normalize(value)
        // (Not `properties[property] = nil`-by-ternary: `Value` is `ExpressibleByNilLiteral`, that would store `.null`.)
        if normalized == .null {
            properties.removeValue(forKey: property)
        } else {
            properties[property] = normalized
        }
    }

    /// Whether `CMD` and `ENTRYPOINT` are written in shell form.
    public var commandShell: Bool { properties[.commandShell]?.boolValue ?? false }

    // MARK: Finishing

    /// Writes the removals (`RUN rm -Rf x` each, then a blank line), then `VOLUME`, `USER`, `WORKDIR`, `SHELL`,
    /// `ENTRYPOINT`, `CMD`, `EXPOSE`, `LABEL`, `STOPSIGNAL`, `HEALTHCHECK` as set, and marks the Dockerfile final.
    /// Does nothing the second time.
    public func finalize() {
        guard !isFinalized else { return }
        var lines: [(String, [String])] = removals.map { ("RUN", ["rm -Rf", $0]) }
        let removalCount = lines.count
        lines += Property.finalizeOrder.compactMap(instruction)
        for (index, (name, args)) in lines.enumerated() {
            text += "\(name) \(args.joined(separator: " "))\n"
            if index + 1 == removalCount { text += "\n" }
        }
        isFinalized = true
    }

    /// The text as UTF-8.
    public var data: Data { Data(text.utf8) }

    /// Finalizes, then writes the text to `path` atomically (a temporary file beside it, renamed into place).
    /// Failures are `DMapError(.usage)` naming the path.
    public func save(to path: String) throws {
        finalize()
        try Self.writeAtomically(data, to: path)
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).dmap-\(UUID().uuidString.prefix(8))").path
        func failure(_ code: CInt = errno) -> DMapError {
            DMapError(.usage, "cannot write \(path): \(FileStatus.reason(code))", object: path)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure() }
        var failed: CInt?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failed == nil { failed = errno }
        if failed == nil && rename(temporary, path) != 0 { failed = errno }
        if let failed {
            unlink(temporary)
            throw failure(failed)
        }
    }
}

/// `write(2)`.
private func systemWrite(_ fd: CInt, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, bytes, count)
    #else
        Darwin.write(fd, bytes, count)
    #endif
}
