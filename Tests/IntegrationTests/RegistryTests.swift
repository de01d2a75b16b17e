import Foundation
import Testing
@testable import DockerMapLua

/// Login, push and pull against the password-protected registry that scripts/test starts, with credentials from
/// every source: login, auth_configs, the docker config file and a credential helper.
@Suite("Registry (real registry)")
struct RegistryTests {
    let registry: String
    let user: String
    let password: String

    init() throws {
        registry = try TestEnv.require("DMAP_TEST_REGISTRY")
        user = try TestEnv.require("DMAP_TEST_REGISTRY_USER")
        password = try TestEnv.require("DMAP_TEST_REGISTRY_PASSWORD")
    }

    /// Lua prelude: REG, USER, PASS (from the process environment, never written into the script text), and an
    /// image tagged for the registry under a unique name.
    func prelude(_ repo: String) -> String {
        """
        REG, USER, PASS = os.getenv("DMAP_TEST_REGISTRY"), os.getenv("DMAP_TEST_REGISTRY_USER"), os.getenv("DMAP_TEST_REGISTRY_PASSWORD")
        IMAGE = REG .. "/\(repo):1"
        local setup = dmap.client()
        setup:tag("busybox:latest", IMAGE)
        -- Collects what the hooks receive.
        function capture(d)
          local seen = { log = {}, progress = {} }
          d.push_log = function(self, msg, level) seen.log[#seen.log + 1] = level .. ":" .. msg end
          d.push_progress = function(self, status, id, detail) seen.progress[#seen.progress + 1] = status end
          return seen
        end

        """
    }

    @Test("login with a bad password returns false and an auth error; a good one returns true")
    func login() async throws {
        let r = try await runLua(prelude(TestEnv.unique("login")) + """
            local d = dmap.client()
            local ok, err = d:login{username = USER, password = "wrong-" .. PASS, registry = REG}
            assert(ok == false and err.kind == "auth", tostring(err))
            local raised, err2 = pcall(d.login, d, {username = USER, password = "wrong", registry = REG, raise_on_error = true})
            assert(not raised and err2.kind == "auth")
            local ok2, err3 = d:login{username = USER, password = PASS, registry = REG}
            setup:remove_image(IMAGE)
            report(ok2, err3 == nil, tostring(err), tostring(err2))
            """)
        #expect(r.last[0] == true && r.last[1] == true)
        for message in r.last.dropFirst(2) {
            #expect(!(message.stringValue ?? "").contains(password))
        }
    }

    @Test("push and pull need credentials; with a login they work and report to the hooks")
    func pushPull() async throws {
        let r = try await runLua(prelude(TestEnv.unique("pushpull")) + """
            local anon = dmap.client()
            local ok, err = anon:push(IMAGE)
            assert(ok == false and err.kind == "auth" and err.message:find("no basic auth credentials"), tostring(err))
            local d = dmap.client()
            local seen = capture(d)
            assert(d:login{username = USER, password = PASS, registry = REG})
            local pushed, perr = d:push(IMAGE)
            assert(pushed == true, tostring(perr))
            setup:remove_image(IMAGE)
            local pulled_anon, aerr = anon:pull(IMAGE)
            assert(pulled_anon == false and aerr.kind == "auth", tostring(aerr))
            local pulled, pe = d:pull(IMAGE)
            assert(pulled == true, tostring(pe))
            local id = setup:inspect_image(IMAGE).Id
            setup:remove_image(IMAGE)
            -- raise_on_error raises instead of returning false.
            local raised, rerr = pcall(anon.pull, anon, IMAGE, {raise_on_error = true})
            assert(not raised and rerr.kind == "auth")
            report(id == setup:inspect_image("busybox:latest").Id, #seen.log > 0, #seen.progress > 0, seen.log)
            """)
        #expect(r.last.prefix(3) == [true, true, true])
        #expect(!"\(r.last)".contains(password))
    }

    @Test("credentials from auth_configs of the client")
    func authConfigs() async throws {
        let r = try await runLua(prelude(TestEnv.unique("authcfg")) + """
            local d = dmap.client{auth_configs = {[REG] = {username = USER, password = PASS}}}
            local ok, err = d:push(IMAGE)
            setup:remove_image(IMAGE)
            report(ok, tostring(err))
            """)
        #expect(r.last.first == true)
    }

    /// A docker config directory holding `config`, removed afterwards.
    func withConfig(_ config: String, files: [String: String] = [:], _ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "dmap-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try config.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        for (name, text) in files {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            chmod(dir + "/" + name, 0o755)
        }
        try await body(dir)
    }

    @Test("credentials from the docker config file (auths)")
    func configFile() async throws {
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        try await withConfig(#"{"auths": {"http://\#(registry)": {"auth": "\#(auth)"}}}"#) { dir in
            let r = try await runLua(prelude(TestEnv.unique("cfgfile")) + """
                local d = dmap.client()
                local ok, err = d:push(IMAGE)
                setup:remove_image(IMAGE)
                local pulled, perr = d:pull(IMAGE)
                setup:remove_image(IMAGE)
                report(ok, pulled, tostring(err), tostring(perr))
                """, environment: ["DOCKER_CONFIG": dir])
            #expect(r.last.prefix(2) == [true, true])
        }
    }

    @Test("credentials from a credential helper named in credHelpers, asked over stdin")
    func credentialHelper() async throws {
        // The helper checks that it is asked for our registry, on stdin, and answers with the credentials.
        let helper = """
            #!/bin/sh
            [ "$1" = get ] || exit 1
            read -r server
            [ "$server" = "\(registry)" ] || { echo "credentials not found in native keychain"; exit 1; }
            printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$server" "$DMAP_TEST_REGISTRY_USER" "$DMAP_TEST_REGISTRY_PASSWORD"
            """
        try await withConfig(#"{"credHelpers": {"\#(registry)": "dmaptest"}}"#, files: ["docker-credential-dmaptest": helper]) { dir in
            let env = ProcessInfo.processInfo.environment
            let r = try await runLua(prelude(TestEnv.unique("helper")) + """
                local d = dmap.client()
                local ok, err = d:push(IMAGE)
                setup:remove_image(IMAGE)
                report(ok, tostring(err))
                """, environment: ["DOCKER_CONFIG": dir, "PATH": dir + ":" + (env["PATH"] ?? "/usr/bin:/bin"),
                                   "DMAP_TEST_REGISTRY_USER": user, "DMAP_TEST_REGISTRY_PASSWORD": password])
            #expect(r.last.first == true)
        }
    }

    @Test("a password whose auth JSON has + and / in standard base64 works: X-Registry-Auth is base64url")
    func base64url() async throws {
        let user2 = try TestEnv.require("DMAP_TEST_REGISTRY_USER2")
        let password2 = try TestEnv.require("DMAP_TEST_REGISTRY_PASSWORD2")
        let auth = RegistryAuth(username: user2, password: password2, serverAddress: registry)
        let standard = auth.engineJSON.base64EncodedString()
        try #require(standard.contains("+") && standard.contains("/"), "the test password must produce + and /")
        #expect(!auth.headerValue.contains("+") && !auth.headerValue.contains("/"))
        let r = try await runLua(prelude(TestEnv.unique("b64")) + """
            local d = dmap.client()
            assert(d:login{username = os.getenv("DMAP_TEST_REGISTRY_USER2"), password = os.getenv("DMAP_TEST_REGISTRY_PASSWORD2"), registry = REG})
            local ok, err = d:push(IMAGE)
            setup:remove_image(IMAGE)
            local pulled, perr = d:pull(IMAGE)
            setup:remove_image(IMAGE)
            report(ok, pulled, tostring(err), tostring(perr))
            """)
        #expect(r.last.prefix(2) == [true, true])
    }

    @Test("no password reaches a log line, an error message or push_log, even at debug level")
    func noSecretsInOutput() async throws {
        let script = prelude(TestEnv.unique("secret")) + """
            local d = dmap.client()
            print(select(2, d:login{username = USER, password = PASS .. "x", registry = REG}))
            assert(d:login{username = USER, password = PASS, registry = REG})
            d:push(IMAGE)
            local anon = dmap.client()
            print(select(2, anon:pull(REG .. "/nothing-here:1")))
            setup:remove_image(IMAGE)
            """
        let file = NSTemporaryDirectory() + "dmap-secret-\(UUID().uuidString.prefix(8)).lua"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try await runCLI(["-v", "-H", try TestEnv.host, file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("Login to"))
        #expect(!r.stdout.contains(password) && !r.stderr.contains(password))
    }
}

/// The default `push_progress`: live per-layer lines on a terminal, nothing when output is piped.
@Suite("Progress display (real registry)")
struct ProgressDisplayTests {
    @Test("a push shows redrawn per-layer progress on a terminal, and plain lines when piped")
    func terminal() async throws {
        let registry = try TestEnv.require("DMAP_TEST_REGISTRY")
        let host = try TestEnv.host
        let repo = TestEnv.unique("progress")
        let file = NSTemporaryDirectory() + "dmap-progress-\(UUID().uuidString.prefix(8)).lua"
        try """
            local d = dmap.client()
            local image = "\(registry)/\(repo):1"
            d:tag("busybox:latest", image)
            assert(d:login{username = os.getenv("DMAP_TEST_REGISTRY_USER"), password = os.getenv("DMAP_TEST_REGISTRY_PASSWORD"), registry = "\(registry)"})
            assert(d:push(image))
            d:remove_image(image)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // `script` gives the command a pseudo-terminal; what the terminal showed comes back on stdout.
        let binary = try TestEnv.binary
        let onTerminal = try await runProgram("/usr/bin/script", ["-qec", "\(binary) -H \(host) \(file)", "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("\u{1B}[2K"), "redrawn lines")
        #expect(onTerminal.stdout.contains(": Preparing"), "a line per layer")
        #expect(onTerminal.stdout.contains("\u{1B}[1A"), "the block is redrawn in place")
        let piped = try await runCLI(["-H", host, file])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\u{1B}["))
        let quiet = try await runProgram("/usr/bin/script", ["-qec", "\(binary) --no-progress -H \(host) \(file)", "/dev/null"])
        #expect(!quiet.stdout.contains("\u{1B}[2K"))
    }
}
