import Foundation
import Testing
@testable import DockerMapLua

/// A fixed environment for `$VAR` and `~` expansion: `HOME=/home/me`, `APP=web`, user `bob` at `/users/bob/`.
let dockerfileTestExpansion = PathExpansion(
    environment: ["HOME": "/home/me", "APP": "web", "SPACED": "a b"],
    homeDirectory: { user in user == "bob" ? "/users/bob/" : nil })

/// A Dockerfile without `FROM` and without the blank line after it, so that a test sees only its own lines.
func bareDockerfile(_ properties: [Dockerfile.Property: Value] = [:]) throws -> Dockerfile {
    let df = try Dockerfile(baseimage: nil, properties: properties, expansion: dockerfileTestExpansion)
    #expect(df.text == "\n")
    return df
}

/// The text `df` added after the constructor's blank line.
func written(_ df: Dockerfile) -> String { String(df.text.dropFirst()) }

/// The lines `finalize()` writes for `properties` alone.
func finalized(_ properties: [Dockerfile.Property: Value]) throws -> String {
    let df = try bareDockerfile(properties)
    df.finalize()
    return written(df)
}

@Suite("Dockerfile: text model")
struct DockerfileTests {
    @Test("The constructor writes FROM, a blank line, MAINTAINER and the initial lines")
    func constructor() throws {
        #expect(try Dockerfile(expansion: dockerfileTestExpansion).text == "FROM tianon/true:latest\n\n")
        #expect(try Dockerfile(baseimage: "", expansion: dockerfileTestExpansion).text == "\n")
        #expect(try Dockerfile(baseimage: "busybox", maintainer: "Me <me@x>").text
            == "FROM busybox\n\nMAINTAINER Me <me@x>\n\n")
        #expect(try Dockerfile(baseimage: "busybox", maintainer: "", initial: "ENV A=1").text == "FROM busybox\n\nENV A=1\n")
        #expect(try Dockerfile(baseimage: nil, initial: ["# one", "ENV B=2", 3]).text == "\n# one\nENV B=2\n3\n")
        #expect(try Dockerfile(baseimage: nil, initial: .object([:])).text == "\n")
        let bad = #expect(throws: DMapError.self) { try Dockerfile(initial: true) }
        #expect(bad?.kind == .usage)
        #expect(bad?.message.contains("'initial'") == true)
    }

    @Test("The verified example of Docker-Map's finalize order, byte for byte")
    func verifiedExample() throws {
        let df = try Dockerfile(
            baseimage: "ubuntu:20.04", maintainer: "Me <me@x>", initial: "ENV A=1",
            properties: [.volumes: ["/data"], .commandUser: "app"], expansion: dockerfileTestExpansion)
        try df.run(["apt-get update"])
        try df.runAll(["apt-get install -y curl", ["useradd", "app"]])
        try df.runJoin(["a", "b"])
        #expect(try df.addFile("/tmp/ctx/a.txt") == "a.txt")
        #expect(try df.addFile("/tmp/ctx/b.txt", destination: "/etc/b.txt", contextPath: "ctx/b2.txt") == "ctx/b2.txt")
        try df.addFile("/src/my sub", destination: "/opt/my sub", removeFinal: true)
        try df.addVolume("/logs")
        try df.set(.commandWorkdir, to: "/app")
        try df.set(.shell, to: #"["/bin/bash", "-c"]"#)
        try df.set(.entrypoint, to: ["/bin/run", "--opt"])
        try df.set(.command, to: "serve 8080")
        try df.set(.expose, to: [80, "443/tcp"])
        try df.set(.labels, to: ["a": "b"])
        try df.set(.stopsignal, to: "SIGINT")
        try df.set(.healthcheck, to: "CMD curl -f http://localhost/")
        df.finalize()
        #expect(df.text == #"""
            FROM ubuntu:20.04

            MAINTAINER Me <me@x>

            ENV A=1
            RUN apt-get update
            RUN apt-get install -y curl
            RUN useradd app
            RUN a && b
            ADD a.txt a.txt
            ADD ctx/b2.txt /etc/b.txt
            ADD /opt/my\ sub /opt/my\ sub
            RUN rm -Rf /opt/my\ sub

            VOLUME ["/data", "/logs"]
            USER app
            WORKDIR /app
            SHELL ["/bin/bash", "-c"]
            ENTRYPOINT ["/bin/run", "--opt"]
            CMD ["serve", "8080"]
            EXPOSE 80 443/tcp
            LABEL "a"="b"
            STOPSIGNAL SIGINT
            HEALTHCHECK CMD curl -f http://localhost/

            """#)
        #expect(df.files == [
            .init(source: "/tmp/ctx/a.txt", contextPath: "a.txt", archiveName: "a.txt"),
            .init(source: "/tmp/ctx/b.txt", contextPath: "ctx/b2.txt", archiveName: "ctx/b2.txt"),
            .init(source: "/src/my sub", contextPath: #"/opt/my\ sub"#, archiveName: "opt/my sub"),
        ])
        #expect(df.removals == [#"/opt/my\ sub"#])
    }

    @Test("format_command: exec and shell form, strings and lists, empty values")
    func formatCommand() {
        #expect(DockerfileFormat.command(#"a b\ c d"#, shell: false) == #"["a", "b\\ c", "d"]"#)
        #expect(DockerfileFormat.command(#"a b\ c d"#, shell: true) == #"a b\ c d"#)
        #expect(DockerfileFormat.command(["serve", "--port", "8080"], shell: false) == #"["serve", "--port", "8080"]"#)
        #expect(DockerfileFormat.command(["serve", "--port", "8080"], shell: true) == "serve --port 8080")
        for shell in [false, true] {
            #expect(DockerfileFormat.command("", shell: shell) == "[]")
            #expect(DockerfileFormat.command([], shell: shell) == "[]")
            #expect(DockerfileFormat.command(.object([:]), shell: shell) == "[]")
        }
        // Two backslash-continued parts in a row, a trailing backslash, and runs of spaces (an IndexError in Docker-Map).
        #expect(DockerfileFormat.command(#"x a\ b\ c"#, shell: false) == #"["x", "a\\ b\\ c"]"#)
        #expect(DockerfileFormat.command(#"run b\"#, shell: false) == #"["run", "b\\"]"#)
        #expect(DockerfileFormat.command("  a  b ", shell: false) == #"["a", "b"]"#)
        #expect(DockerfileFormat.command(#"a\  b"#, shell: false) == #"["a\\ ", "b"]"#)
    }

    @Test("JSON as Python's json.dumps writes it (ensure_ascii)")
    func json() {
        #expect(DockerfileFormat.jsonArray([]) == "[]")
        #expect(DockerfileFormat.jsonArray(["say \"hi\"", "back\\slash", "tab\tnew\nline"])
            == #"["say \"hi\"", "back\\slash", "tab\tnew\nline"]"#)
        #expect(DockerfileFormat.jsonArray(["é", "日", "😀", "\u{1}", "\u{7f}", "/"])
            == #"["\u00e9", "\u65e5", "\ud83d\ude00", "\u0001", "\u007f", "/"]"#)
    }

    @Test("Numbers are written as Lua's tostring writes them")
    func words() {
        #expect(DockerfileFormat.word(80) == "80")
        #expect(DockerfileFormat.word(.double(80)) == "80.0")
        #expect(DockerfileFormat.word(.double(0.5)) == "0.5")
        #expect(DockerfileFormat.word(.double(1e100)) == "1e+100")
        #expect(DockerfileFormat.word(true) == nil)
        #expect(DockerfileFormat.word(["x"]) == nil)
    }

    @Test("prefix, prefix_all, run, run_all, run_join, comment, blank, write")
    func writers() throws {
        let df = try bareDockerfile()
        try df.prefix()
        #expect(written(df) == "#")  // no newline without arguments, as in Docker-Map
        try df.write("\n")
        try df.prefix("ENV", ["A=1", 2, .double(2.5)])
        try df.prefix("ENV", [""])
        try df.prefixAll("ENV", ["A=1", ["B=2", "C=3"], nil, "", false, 0, [], .object([:]), "D=4"])
        try df.run([])
        try df.blank()
        try df.run(["echo", "hi"])
        try df.runAll(["a", ["b", "c"], nil])
        try df.runJoin(["x", "y", "z"])
        try df.runJoin([])
        try df.comment("note")
        try df.comment()
        try df.comment("")
        try df.writeline("RAW")
        try df.writelines(["L1", "L2"])
        try df.write("tail")
        #expect(written(df) == """
            #
            ENV A=1 2 2.5
            ENV \("")
            ENV A=1
            ENV B=2 C=3






            ENV D=4
            RUN
            RUN echo hi
            RUN a
            RUN b c

            RUN x && y && z
            RUN \("")
            # note
            #
            #
            RAW
            L1
            L2
            tail
            """)
        let bad = #expect(throws: DMapError.self) { try df.run([["nested"]]) }
        #expect(bad?.kind == .usage)
    }

    @Test("add_file: default target and context path, spaces, trailing slashes")
    func addFilePaths() throws {
        let df = try bareDockerfile()
        #expect(try df.addFile("/tmp/ctx/a.txt") == "a.txt")
        #expect(try df.addFile("/tmp/ctx/a.txt", destination: "/etc/a.txt", contextPath: "ctx/a2.txt") == "ctx/a2.txt")
        #expect(try df.addFile("/tmp/ctx/") == "ctx")
        #expect(try df.addFile("dir//", destination: "", contextPath: "") == "dir")
        #expect(try df.addFile("/home/x/my file.txt") == #"my\ file.txt"#)
        #expect(try df.addFile("/x/a b", destination: "/opt/c d", contextPath: "e f", replaceSpace: false) == "e f")
        #expect(written(df) == #"""
            ADD a.txt a.txt
            ADD ctx/a2.txt /etc/a.txt
            ADD ctx ctx
            ADD dir dir
            ADD my\ file.txt my\ file.txt
            ADD e f /opt/c d

            """#)
        #expect(df.files.map(\.source) == ["/tmp/ctx/a.txt", "/tmp/ctx/a.txt", "/tmp/ctx/", "dir//", "/home/x/my file.txt", "/x/a b"])
        #expect(df.files.map(\.contextPath) == ["a.txt", "ctx/a2.txt", "ctx", "dir", #"my\ file.txt"#, "e f"])
        #expect(df.files.map(\.archiveName) == ["a.txt", "ctx/a2.txt", "ctx", "dir", "my file.txt", "e f"])
        for path in ["/", "", "//"] {
            let error = #expect(throws: DMapError.self) { try df.addFile(path) }
            #expect(error?.kind == .usage)
        }
        #expect(df.files.count == 6)
    }

    @Test("add_file: expandvars and expanduser on source, target and context path")
    func addFileExpansion() throws {
        let df = try bareDockerfile()
        try df.addFile("$APP/x.txt", destination: "/opt/${APP}/x.txt", expandVariables: true)
        try df.addFile("$APP/x.txt", destination: "/opt/$APP/x.txt")
        try df.addFile("~/src/y", contextPath: "~bob/y", expandUser: true)
        try df.addFile("~", expandUser: true)
        try df.addFile("$SPACED/$NOPE/${}/$", destination: "$SPACED", expandVariables: true)
        try df.addFile("~nobody/z", expandUser: true)
        #expect(written(df) == #"""
            ADD /opt/web/x.txt /opt/web/x.txt
            ADD /opt/$APP/x.txt /opt/$APP/x.txt
            ADD /users/bob/y y
            ADD /home/me /home/me
            ADD a\ b a\ b
            ADD z z

            """#)
        #expect(df.files.map(\.source) == ["web/x.txt", "$APP/x.txt", "/home/me/src/y", "/home/me", "a b/$NOPE/${}/$", "~nobody/z"])
        #expect(df.files.map(\.archiveName) == ["opt/web/x.txt", "opt/$APP/x.txt", "users/bob/y", "home/me", "a b", "z"])
    }

    @Test("PathExpansion follows Python's expandvars and expanduser")
    func expansion() {
        let e = dockerfileTestExpansion
        #expect(e.expandVariables("$APP-${APP}_$APPX$") == "web-web_$APPX$")
        #expect(e.expandVariables("${APP") == "${APP")
        #expect(e.expandVariables("é$APP") == "éweb")
        #expect(e.expandUser("~") == "/home/me")
        #expect(e.expandUser("~/") == "/home/me/")
        #expect(e.expandUser("~bob") == "/users/bob")
        #expect(e.expandUser("a/~") == "a/~")
        let rootHome = PathExpansion(environment: ["HOME": "/"])
        #expect(rootHome.expandUser("~") == "/")
        #expect(rootHome.expandUser("~/x") == "/x")
        let noHome = PathExpansion(environment: [:], homeDirectory: { $0 == nil ? "/var/me" : nil })
        #expect(noHome.expandUser("~/x") == "/var/me/x")
    }

    @Test("remove_final: removals in the order added, once each, then a blank line")
    func removals() throws {
        let df = try bareDockerfile([.command: ["run"]])
        try df.addFile("/s/b", removeFinal: true)
        try df.addFile("/s/a", removeFinal: true)
        try df.addFile("/t/b", removeFinal: true)
        df.finalize()
        #expect(written(df) == """
            ADD b b
            ADD a a
            ADD b b
            RUN rm -Rf b
            RUN rm -Rf a

            CMD ["run"]

            """)
    }

    @Test("Delayed properties: each instruction and its forms")
    func properties() throws {
        #expect(try finalized([:]) == "")
        #expect(try finalized([.volumes: "/one"]) == "VOLUME [\"/one\"]\n")
        #expect(try finalized([.volumes: .object([:])]) == "VOLUME []\n")
        #expect(try finalized([.entrypoint: "/bin/sh -c"]) == "ENTRYPOINT [\"/bin/sh\", \"-c\"]\n")
        #expect(try finalized([.entrypoint: "/bin/sh -c", .commandShell: true]) == "ENTRYPOINT /bin/sh -c\n")
        #expect(try finalized([.command: ["serve", 8080], .commandShell: true]) == "CMD serve 8080\n")
        #expect(try finalized([.command: ""]) == "CMD []\n")
        #expect(try finalized([.command: .object([:]), .commandShell: true]) == "CMD []\n")
        #expect(try finalized([.commandUser: 1000, .commandWorkdir: "/srv"]) == "USER 1000\nWORKDIR /srv\n")
        #expect(try finalized([.commandUser: "", .commandWorkdir: "", .shell: "", .stopsignal: "", .healthcheck: ""]) == "")
        #expect(try finalized([.shell: ["/bin/bash", "-c"]]) == "SHELL [\"/bin/bash\", \"-c\"]\n")
        #expect(try finalized([.stopsignal: 9]) == "STOPSIGNAL 9\n")
        #expect(try finalized([.healthcheck: "NONE"]) == "HEALTHCHECK NONE\n")
    }

    @Test("EXPOSE from an integer, a string, a list; nothing when empty")
    func expose() throws {
        #expect(try finalized([.expose: 80]) == "EXPOSE 80\n")
        #expect(try finalized([.expose: .double(8080)]) == "EXPOSE 8080\n")
        #expect(try finalized([.expose: "80 443/tcp"]) == "EXPOSE 80 443/tcp\n")
        #expect(try finalized([.expose: [80, "443/tcp", "53/udp"]]) == "EXPOSE 80 443/tcp 53/udp\n")
        #expect(try finalized([.expose: []]) == "")
        #expect(try finalized([.expose: .object([:])]) == "")
        #expect(try finalized([.expose: ""]) == "")
    }

    @Test("LABEL from a string, a table (sorted by key), pairs; newlines continue the line")
    func labels() throws {
        #expect(try finalized([.labels: "version=1"]) == "LABEL version=1\n")
        #expect(try finalized([.labels: ["b": "2", "a": "1", "c": 3]]) == "LABEL \"a\"=\"1\" \"b\"=\"2\" \"c\"=\"3\"\n")
        #expect(try finalized([.labels: [["z", "last"], ["a", "first"]]]) == "LABEL \"z\"=\"last\" \"a\"=\"first\"\n")
        #expect(try finalized([.labels: ["desc": "line one\nline two"]]) == "LABEL \"desc\"=\"line one\\\nline two\"\n")
        #expect(try finalized([.labels: .object([:])]) == "")
        #expect(try finalized([.labels: ""]) == "")
    }

    @Test("Bad property values are usage errors naming the property")
    func badValues() throws {
        let cases: [(Dockerfile.Property, Value, String)] = [
            (.command, true, "'command' must be a string or a list of strings, got boolean"),
            (.entrypoint, ["a": "b"], "'entrypoint' must be a string or a list of strings, got table"),
            (.command, ["ok", ["nested"]], "'command' item 2 must be a string or a number, got table"),
            (.commandShell, "yes", "'command_shell' must be a boolean, got string"),
            (.volumes, 5, "'volumes' must be a list of paths, got number"),
            (.volumes, ["/a", 5], "'volumes' item 2 must be a string, got number"),
            (.expose, [true], "'expose' item 1 must be a port (number or string), got boolean"),
            (.expose, .double(1.5), "'expose' must be a port or a list of ports, got number"),
            (.labels, 5, "'labels' must be a string, a table of strings, or a list of {key, value} pairs, got number"),
            (.labels, [["only-key"]], "'labels' item 1 must be a {key, value} pair"),
            (.commandUser, true, "'command_user' must be a user name or id, got boolean"),
            (.commandWorkdir, 1, "'command_workdir' must be a string, got number"),
            (.stopsignal, false, "'stopsignal' must be a signal name or number, got boolean"),
            (.healthcheck, [], "'healthcheck' must be a string, got table"),
        ]
        let df = try bareDockerfile()
        for (property, value, message) in cases {
            let error = #expect(throws: DMapError.self) { try df.set(property, to: value) }
            #expect(error?.kind == .usage)
            #expect(error?.message == "dockerfile: " + message)
        }
        #expect(df.value(of: .command) == .null)
        #expect(df.value(of: .commandShell) == false)
        let atInit = #expect(throws: DMapError.self) { try Dockerfile(properties: [.command: 3.5]) }
        #expect(atInit?.message.contains("'command'") == true)
    }

    @Test("Values read back as kept; nil unsets; add_volume appends")
    func valuesReadBack() throws {
        let df = try bareDockerfile()
        try df.set(.command, to: ["serve", 8080])
        #expect(df.value(of: .command) == ["serve", "8080"])
        try df.set(.expose, to: 80)
        #expect(df.value(of: .expose) == ["80"])
        try df.set(.command, to: nil)
        #expect(df.value(of: .command) == .null)
        try df.addVolume("/a")
        try df.set(.volumes, to: "/b")
        try df.addVolume("/c")
        #expect(df.value(of: .volumes) == ["/b", "/c"])
        try df.set(.commandShell, to: true)
        #expect(df.commandShell)
        try df.set(.commandShell, to: nil)
        #expect(!df.commandShell)
        #expect(Dockerfile.Property(name: "cmd_user") == .commandUser)
        #expect(Dockerfile.Property(name: "cmd_workdir") == .commandWorkdir)
        #expect(Dockerfile.Property(name: "commandUser") == nil)
        // Unset properties write nothing.
        for property in Dockerfile.Property.allCases where property != .volumes {
            try df.set(property, to: nil)
        }
        df.finalize()
        #expect(written(df) == "VOLUME [\"/b\", \"/c\"]\n")
    }

    @Test("finalize is idempotent; nothing changes afterwards")
    func finalizeOnce() throws {
        let df = try Dockerfile(baseimage: "busybox", properties: [.command: "sh"], expansion: dockerfileTestExpansion)
        df.finalize()
        let text = df.text
        #expect(text == "FROM busybox\n\nCMD [\"sh\"]\n")
        df.finalize()
        #expect(df.text == text)
        #expect(df.isFinalized)
        let attempts: [(String, () throws -> Void)] = [
            ("write", { try df.write("x") }), ("writeline", { try df.writeline("x") }),
            ("writelines", { try df.writelines(["x"]) }), ("blank", { try df.blank() }),
            ("comment", { try df.comment("x") }), ("prefix", { try df.prefix("ENV", ["A=1"]) }),
            ("run", { try df.run(["x"]) }), ("run_all", { try df.runAll(["x"]) }), ("run_join", { try df.runJoin(["x"]) }),
            ("add_file", { try df.addFile("/a/b") }), ("add_archive", { try df.addArchive("/nonexistent.tar") }),
            ("add_volume", { try df.addVolume("/v") }),
        ]
        for (name, attempt) in attempts {
            let error = #expect(throws: DMapError.self, "\(name)") { try attempt() }
            #expect(error?.kind == .usage)
            #expect(error?.message == "the Dockerfile cannot be changed after it has been finalized")
        }
        for property in Dockerfile.Property.allCases {
            let error = #expect(throws: DMapError.self) { try df.set(property, to: nil) }
            #expect(error?.message == "cannot set '\(property.rawValue)': the Dockerfile cannot be changed after it has been finalized")
        }
        #expect(df.text == text)
        #expect(df.files.isEmpty && df.archives.isEmpty)
    }

    @Test("save finalizes and replaces the file atomically")
    func save() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let path = try scratch.file("Dockerfile", "old contents that are longer than the new ones\n")
        let df = try Dockerfile(baseimage: "busybox", properties: [.command: "sh"], expansion: dockerfileTestExpansion)
        try df.save(to: path)
        #expect(df.isFinalized)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "FROM busybox\n\nCMD [\"sh\"]\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["Dockerfile"])
        try df.save(to: path)
        let error = #expect(throws: DMapError.self) { try df.save(to: scratch.path + "/missing/Dockerfile") }
        #expect(error?.kind == .usage)
        #expect(error?.object == scratch.path + "/missing/Dockerfile")
    }

    @Test("add_archive: one ADD per top-level member, recorded, removable; plain and gzip")
    func addArchive() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("src/top.txt", "top\n")
        try scratch.file("src/dir/sub.txt", "sub\n")
        for (name, flags) in [("a.tar", "-cf"), ("a.tar.gz", "-czf")] {
            try runTar([flags, scratch.path + "/" + name, "-C", scratch.path + "/src", "top.txt", "dir"])
        }
        let df = try bareDockerfile()
        #expect(try df.addArchive(scratch.path + "/a.tar") == ["top.txt", "dir"])
        #expect(try df.addArchive(scratch.path + "/a.tar.gz", removeFinal: true) == ["top.txt", "dir"])
        df.finalize()
        #expect(written(df) == """
            ADD top.txt top.txt
            ADD dir dir
            ADD top.txt top.txt
            ADD dir dir
            RUN rm -Rf top.txt
            RUN rm -Rf dir


            """)
        #expect(df.archives == [scratch.path + "/a.tar", scratch.path + "/a.tar.gz"])
        let missing = #expect(throws: DMapError.self) { try Dockerfile().addArchive(scratch.path + "/none.tar") }
        #expect(missing != nil)
    }
}

/// Runs `tar` with `arguments`, failing the test when it fails.
func runTar(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tar"] + arguments
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "tar \(arguments)")
}
