import CLua
import Foundation

/// A `dmap.context` object: the members collected so far, the compression, and whether it is finalized.
final class ContextHandle {
    var context = BuildContext()
    var compression: CompressionFormat?
    var finalized = false

    init(compression: CompressionFormat?) { self.compression = compression }

    func checkNotFinalized() throws {
        if finalized { throw DMapError(.usage, "the context cannot be changed after it has been finalized") }
    }

    /// `ctx:add(path, arcname)`: a file, or a directory with everything below it; a `.dockerignore` at the top of
    /// an added directory is honoured with the engine's semantics. `arcname` defaults to `path` without a leading
    /// `/` (as Python's tarfile, which Docker-Map uses, names it).
    func add(path: String, as arcname: String?) throws {
        try checkNotFinalized()
        let name = arcname ?? String(path.drop { $0 == "/" })
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DMapError(.usage, "context: cannot add '\(path)': no such file or directory", object: path)
        }
        if isDirectory.boolValue && FileManager.default.fileExists(atPath: path + "/.dockerignore") {
            // The directory's own walk applies its ignore file; its members go under `name`, cleaned as
            // `BuildContext.add(path:as:)` cleans it (`./app` and `x/../app` are `app`; `.` is the top).
            let isRoot = SlashPath.clean(name) == "."
            let archive = isRoot ? "" : try BuildContext.archiveName(name)
            let ignore = try DockerIgnore.load(path: path + "/.dockerignore") ?? DockerIgnore()
            var walked = BuildContext()
            try ContextWalker(root: path, ignore: ignore, alwaysSent: [".dockerignore"], archiveBase: archive)
                .walk(into: &walked)
            if !isRoot, let status = FileStatus.of(path, follow: true) {
                let entry = ContextWalker.entry(name: archive, status: status, kind: .directory)
                context.add(BuildContext.Item(entry: entry, source: .none))
            }
            for item in walked.items { context.add(item) }
        } else {
            try context.add(path: path, as: name)
        }
    }

    /// `ctx:add_dockerfile(df)`: the Dockerfile's files and archives, then its text as `Dockerfile`.
    func add(dockerfile: Dockerfile) throws {
        try checkNotFinalized()
        dockerfile.finalize()
        for file in dockerfile.files { try context.add(path: file.source, as: file.archiveName) }
        for archive in dockerfile.archives { try context.add(archive: archive) }
        try context.add(text: dockerfile.text, as: "Dockerfile")
    }
}

/// `dmap.context{dockerfile=, compression=}` and its methods.
enum ContextBinding {
    static let metatable = "dmap.context"

    static func install(_ state: LuaState, context: BindingContext) {
        state.registerClass(metatable, methods: methods)
        state.setFunction(-1, "context", qualifiedName: "context") { call in
            // The dockerfile option holds an object, so it is read on its own below, not converted.
            let o = try ClientBinding.checkedOptions(
                call, 1, ["dockerfile", "compression", "finalize"], skipping: ["dockerfile"])
            let finalize = try o.bool("finalize") ?? false
            let handle = ContextHandle(compression: try compression(o["compression"]))
            var hasDockerfile = false
            if !call.isNoneOrNil(1) {
                call.state.rawField(1, "dockerfile")
                defer { call.state.pop() }
                hasDockerfile = !call.isNoneOrNil(-1)
                try addDockerfile(call, at: call.state.top, to: handle, argument: 1)
            }
            if finalize {
                guard hasDockerfile else {
                    throw DMapError(.usage, "context: cannot finalize the context without a dockerfile")
                }
                handle.finalized = true
            }
            call.state.pushRetained(handle, metatable: metatable)
            return 1
        }
    }

    /// `"gz"` (the default, as Docker-Map), `"bz2"`, or `false`/`"none"` for a plain tar.
    static func compression(_ value: Value?) throws -> CompressionFormat? {
        switch value {
        case nil: return .gzip
        case .bool(false)?, .null?: return nil
        case .string(let s)?:
            // An unknown name (xz too: it is read, never written) is `CompressionFormat.option`'s usage error.
            return try CompressionFormat.option(s)
        case let other?:
            throw DMapError(.usage, "context: compression must be \"gz\", \"bz2\" or false, got \(other.typeName)")
        }
    }

    /// Adds the Dockerfile at stack `index`: a `dmap.dockerfile` object, or a path to a Dockerfile on disk.
    static func addDockerfile(_ call: LuaCall, at index: Int32, to handle: ContextHandle, argument: Int32) throws {
        if let dockerfile = DockerfileBinding.dockerfile(at: index, in: call.state) {
            try handle.add(dockerfile: dockerfile)
        } else if let path = call.state.string(at: index) {
            try handle.checkNotFinalized()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DMapError(.usage, "context: no Dockerfile at '\(path)'", object: path)
            }
            guard !isDirectory.boolValue else {
                throw DMapError(.usage, "context: '\(path)' is a directory, not a Dockerfile", object: path)
            }
            try handle.context.add(path: path, as: "Dockerfile")
        } else if lua_type(call.L, index) != LUA_TNIL {
            throw call.bad(argument, "dmap.dockerfile or path expected, got \(call.state.typeName(at: index))")
        }
    }

    static func handle(_ call: LuaCall, at index: Int32 = 1) throws -> ContextHandle {
        guard let handle = call.state.retained(at: index, as: ContextHandle.self, metatable: metatable) else {
            throw call.expected(index, "dmap.context")
        }
        return handle
    }

    static var methods: [(String, LuaFunction)] { [
        ("add", { call in
            let h = try handle(call)
            try h.add(path: try call.string(2), as: try call.optionalString(3))
            lua_settop(call.L, 1)
            return 1
        }),
        ("add_archive", { call in
            let h = try handle(call)
            try h.checkNotFinalized()
            let names = try h.context.add(archive: try call.string(2))
            call.state.push(.array(names.map { .string($0) }))
            return 1
        }),
        ("add_dockerfile", { call in
            let h = try handle(call)
            guard !call.isNoneOrNil(2) else { throw call.expected(2, "dmap.dockerfile or path") }
            try addDockerfile(call, at: 2, to: h, argument: 2)
            lua_settop(call.L, 1)
            return 1
        }),
        ("finalize", { call in
            try handle(call).finalized = true
            lua_settop(call.L, 1)
            return 1
        }),
        ("save", { call in
            // Finalizes, then writes the (compressed) tarball atomically.
            let h = try handle(call)
            let path = try call.string(2)
            h.finalized = true
            let (context, compression) = (h.context, h.compression)
            try blockingAwait { try await context.save(to: path, compression: compression) }
            lua_pushboolean(call.L, 1)
            return 1
        }),
        ("names", { call in
            // The archive names in the context, in order (for inspection and tests).
            call.state.push(.array(try handle(call).context.names.map { .string($0) }))
            return 1
        }),
    ] }

    /// `docker:build_from_context(ctx, tag, opts)` and `docker:build_from_file(df, tag, opts)`: `build` with a
    /// context made in Lua.
    static func clientMethods() -> [(String, LuaFunction)] {
        [
            ("build_from_context", { call in
                let h = try handle(call, at: 2)
                // Finalized only once the tag and options have passed their checks, just before the build is
                // sent: a call that fails with `usage` leaves the context as it was.
                return try build(call) {
                    h.finalized = true
                    return (h.context, h.compression)
                }
            }),
            ("build_from_file", { call in
                guard let dockerfile = DockerfileBinding.dockerfile(at: 2, in: call.state) else {
                    throw call.expected(2, "dmap.dockerfile")
                }
                // As Docker-Map: a gzip context holding the Dockerfile and everything it adds.
                return try build(call) {
                    let h = ContextHandle(compression: .gzip)
                    try h.add(dockerfile: dockerfile)
                    return (h.context, h.compression)
                }
            }),
        ]
    }

    /// Builds with the context `make` gives; a failure to make it (a missing file, say) is returned as
    /// `nil, err` like any build failure, before anything is sent.
    static func build(_ call: LuaCall, make: () throws -> (BuildContext, CompressionFormat?)) throws -> Int32 {
        let tag = try call.string(3)
        var o = try ClientBinding.checkedOptions(call, 4, ClientBuildBinding.optionKeys.subtracting(["tag", "path"]))
        o["tag"] = .string(tag)
        return try ClientBuildBinding.run(call, o) {
            let (context, compression) = try make()
            return { writer in try await context.write(compression: compression) { try await writer.write($0) } }
        }
    }
}
