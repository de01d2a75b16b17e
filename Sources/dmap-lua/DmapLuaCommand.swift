import ArgumentParser
import DockerMapLua
import Foundation
import Logging

/// `dmap-lua [options] SCRIPT.lua [ARGS...]` and `dmap-lua [options] -e CODE`.
@main
struct DmapLuaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmap-lua",
        abstract: "Run Lua scripts that build images and deploy container maps on Docker engines.",
        usage: """
            dmap-lua [options] SCRIPT.lua [ARGS...]
              dmap-lua [options] -e CODE [-e CODE ...] [SCRIPT.lua [ARGS...]]
              dmap-lua --version | --help
            """,
        discussion: """
            The global `dmap` is preloaded (also `require "dmap"`). Script arguments are in `arg` and `...`.
            Documentation: docs/guide.md and docs/reference.md in the source tree.
            """,
        version: "dmap-lua \(DMapVersion.current) (Lua 5.4)"
    )

    @Option(name: [.customShort("H"), .long], help: "Default engine (else $DOCKER_HOST, else unix:///var/run/docker.sock).")
    var host: String?

    @Option(name: .customShort("e"), help: ArgumentHelp("Run a chunk of Lua code (may be repeated; runs before SCRIPT).", valueName: "code"))
    var chunks: [String] = []

    @Flag(name: .shortAndLong, help: "Log debug messages.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Log only warnings and errors.")
    var quiet = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Flag(name: .long, help: "Never show live progress, even on a terminal.")
    var noProgress = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The script (or - for standard input) and its arguments.", valueName: "script"))
    var script: [String] = []

    func validate() throws {
        if script.isEmpty && chunks.isEmpty {
            throw ValidationError("nothing to run: give a script or -e CODE")
        }
        if let host {
            do {
                _ = try EngineEndpoint.parse(host)
            } catch let error as DMapError {
                throw ValidationError(error.message)
            }
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
    }

    static func main() {
        let command: DmapLuaCommand
        do {
            let (options, script) = splitArguments(Array(CommandLine.arguments.dropFirst()))
            command = try parse(options + (script.isEmpty ? [] : ["--"] + script))
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
        Foundation.exit(command.execute())
    }

    /// Options that take a value as the next argument.
    static let valueOptions: Set<String> = ["-H", "--host", "-e", "--log-level"]

    /// Splits the command line as `lua.c` does: options up to the first argument that is not one (or `--`), then
    /// the script and its arguments, which may look like options without being ours.
    static func splitArguments(_ args: [String]) -> (options: [String], script: [String]) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return (Array(args[..<i]), Array(args[(i + 1)...])) }
            if a == "-" || !a.hasPrefix("-") { return (Array(args[..<i]), Array(args[i...])) }
            i += valueOptions.contains(a) ? 2 : 1
        }
        return (args, [])
    }

    var level: Logger.Level {
        if let logLevel, let level = Logger.Level(rawValue: logLevel) { return level }
        if verbose { return .debug }
        if quiet { return .warning }
        return .info
    }

    /// Runs the chunks and the script; returns the exit status.
    func execute() -> Int32 {
        let level = self.level
        LoggingSystem.bootstrap { label in
            var handler = PlainLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        // Live progress only on a terminal; piped output stays plain.
        let progress = isatty(STDERR_FILENO) == 1 && !noProgress ? TerminalProgress() : nil
        PlainLogHandler.progress.withLockedValue { $0 = progress }
        let options = LuaRuntime.Options(defaultHost: host, logger: Logger(label: "dmap-lua"), progress: progress)
        do {
            let runtime = try LuaRuntime(options: options)
            let scriptPath = script.first
            let scriptArgs = Array(script.dropFirst())
            let all = CommandLine.arguments
            let interpreter = Array(all.prefix(all.count - script.count))
            runtime.setArguments(script: scriptPath, arguments: scriptArgs, interpreter: interpreter)
            for (i, chunk) in chunks.enumerated() {
                try runtime.run(string: chunk, name: chunks.count == 1 ? "=(command line)" : "=(command line \(i + 1))")
            }
            if let scriptPath {
                if scriptPath == "-" {
                    let code = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    try runtime.run(string: code, name: "=stdin", arguments: scriptArgs)
                } else {
                    try runtime.run(file: scriptPath, arguments: scriptArgs)
                }
            }
            runtime.close()
            return 0
        } catch let error as LuaRuntime.ScriptError {
            var text = "dmap-lua: \(error.message)\n"
            if !error.traceback.isEmpty { text += error.traceback + "\n" }
            FileHandle.standardError.write(Data(text.utf8))
            return 1
        } catch {
            FileHandle.standardError.write(Data("dmap-lua: \(error)\n".utf8))
            return 1
        }
    }
}
