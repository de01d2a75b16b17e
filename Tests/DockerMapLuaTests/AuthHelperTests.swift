import Foundation
import Testing
@testable import DockerMapLua

@Suite("Registry credentials: credential helpers and precedence")
struct AuthHelperTests {
    /// A helper that insists on `get` as its only argument and the server URL (without newline) on stdin.
    static let goodHelper = """
        if [ "$#" -ne 1 ]; then echo "expected one argument, got $#" >&2; exit 3; fi
        case "$1" in
          get) ;;
          list) printf '{"registry.example.com":"alice","https://index.docker.io/v1/":"<token>"}'; exit 0 ;;
          *) echo "unexpected action $1" >&2; exit 3 ;;
        esac
        url=$(cat; echo x); url=${url%x}
        case "$url" in
          registry.example.com) printf '{"ServerURL":"%s","Username":"alice","Secret":"helper-SECRET"}\\n' "$url" ;;
          https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-token"}' "$url" ;;
          empty.example.com) printf '{"ServerURL":"%s","Username":"","Secret":""}' "$url" ;;
          *) echo "credentials not found in native keychain"; exit 1 ;;
        esac
        """

    @Test("get: username and secret, <token> as identity token, not found and empty answers as nil")
    func get() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("dmaptest", in: dir, Self.goodHelper)
        let helper = CredentialHelper(name: "dmaptest", environment: AuthFixture.environment(path: dir))
        #expect(try helper.get(serverURL: "registry.example.com")
            == RegistryAuth(username: "alice", password: "helper-SECRET", serverAddress: "registry.example.com"))
        #expect(try helper.get(serverURL: "https://index.docker.io/v1/")
            == RegistryAuth(serverAddress: "https://index.docker.io/v1/", identityToken: "hub-token"))
        #expect(try helper.get(serverURL: "quay.io") == nil)
        #expect(try helper.get(serverURL: "empty.example.com") == nil)
        #expect(try helper.list() == ["registry.example.com": "alice", "https://index.docker.io/v1/": "<token>"])
    }

    @Test("The store asks credsStore helpers with the Docker Hub URL, and falls back to auths when not found")
    func throughStore() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("dmaptest", in: dir, Self.goodHelper)
        try AuthFixture.save(
            #"{"credsStore": "dmaptest", "auths": {"quay.io": {"auth": "\#(AuthFixture.basic("q", "p"))"}}}"#,
            to: dir, "config.json")
        let store = CredentialStore(environment: AuthFixture.environment(path: dir, ["DOCKER_CONFIG": dir]))
        #expect(try store.credentials(forImage: "busybox")?.identityToken == "hub-token")
        #expect(try store.credentials(forImage: "registry.example.com/app")?.password == "helper-SECRET")
        #expect(try store.credentials(forImage: "quay.io/x")?.username == "q")  // helper: not found → auths
        #expect(try store.credentials(forImage: "nowhere.example.com/x") == nil)
    }

    @Test("A helper that hangs is killed by the timeout, with its whole process group")
    func hangs() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("dmaptest", in: dir, "echo $$ > '\(dir)/pid'\nsleep 20 &\necho $! > '\(dir)/sleeppid'\nwait")
        let helper = CredentialHelper(
            name: "dmaptest", environment: AuthFixture.environment(path: dir), timeout: .milliseconds(400))
        let started = ContinuousClock.now
        #expect {
            try helper.get(serverURL: "registry.example.com")
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .auth && e?.message.contains("did not answer within 0.4 s") == true
                && e?.message.contains("docker-credential-dmaptest") == true
                && e?.message.contains("registry.example.com") == true
        }
        // The helper would take 20 s: well under that shows it was stopped at its timeout, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(12))
        // The script and its sleep were both killed (the sleep, orphaned, may linger as a zombie of init's).
        for file in ["pid", "sleeppid"] {
            let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            var running = Self.isRunning(pid)
            for _ in 0..<100 where running {  // SIGKILL takes effect asynchronously
                usleep(10_000)
                running = Self.isRunning(pid)
            }
            #expect(!running, "\(file) \(pid) still runs")
        }
    }

    /// Whether `pid` is a live (not dead, not zombie) process.
    static func isRunning(_ pid: pid_t) -> Bool {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
        #else
        return kill(pid, 0) == 0
        #endif
    }

    @Test("Garbage, error exits and missing helpers are auth errors naming helper and registry, not secrets")
    func failures() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("garbage", in: dir, #"cat >/dev/null; echo 'Username: alice, Secret: hunter2-SECRET'"#)
        try AuthFixture.helper("leaky", in: dir, #"cat >/dev/null; echo '{"Username":"a","Secret":"SECRET"'; exit 1"#)
        try AuthFixture.helper("broken", in: dir, "cat >/dev/null; echo 'keychain is locked' >&2; exit 2")
        try AuthFixture.helper("mute", in: dir, "exit 0")  // does not even read its stdin
        let env = AuthFixture.environment(path: dir)
        func check(_ name: String, _ registry: String, says expected: String) {
            #expect {
                try CredentialHelper(name: name, environment: env).get(serverURL: registry)
            } throws: { error in
                guard let e = error as? DMapError else { return false }
                return e.kind == .auth && e.message.contains("docker-credential-\(name)")
                    && e.message.contains(registry) && e.message.contains(expected) && !e.message.contains("SECRET")
            }
        }
        check("garbage", "registry.example.com", says: "unreadable answer")
        check("leaky", "registry.example.com", says: "exit status 1")
        check("broken", "quay.io", says: "(exit status 2): keychain is locked")
        check("mute", "quay.io", says: "unreadable answer")
        check("absent", "quay.io", says: "not installed or not on PATH")
        // Not executable is the same as absent.
        try AuthFixture.save("#!/bin/sh\nexit 0\n", to: dir, "docker-credential-noexec", mode: 0o644)
        check("noexec", "quay.io", says: "not on PATH")
    }

    #if os(Linux)
    @Test("A helper inherits nothing but stdin, stdout and stderr")
    func onlyStdio() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("fds", in: dir, #"cat >/dev/null; printf '{"Username":"%s","Secret":"x"}' "$(ls /proc/self/fd | tr '\n' ' ')""#)
        let leaked = open("/dev/null", O_RDONLY)  // inheritable: no O_CLOEXEC
        defer { close(leaked) }
        let seen = try CredentialHelper(name: "fds", environment: AuthFixture.environment(path: dir)).get(serverURL: "r.io")
        #expect(seen?.username == "0 1 2 3 ")  // 3 is ls's own directory handle
    }
    #endif

    @Test("Precedence: login > auth_configs > config file; credHelpers override credsStore")
    func precedence() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("dmaptest", in: dir, Self.goodHelper)
        try AuthFixture.save(#"""
            {"credsStore": "absent", "credHelpers": {"registry.example.com": "dmaptest"},
             "auths": {"registry.example.com": {"auth": "\#(AuthFixture.basic("file", "f"))"}}}
            """#, to: dir, "config.json")
        let env = AuthFixture.environment(path: dir, ["DOCKER_CONFIG": dir])
        let configured = RegistryAuth(username: "configured", password: "c")
        let store = CredentialStore(authConfigs: ["https://registry.example.com/v1/": configured], environment: env)

        #expect(try store.credentials(for: "registry.example.com")?.username == "configured")
        store.remember(RegistryAuth(username: "login", password: "l"), for: "http://registry.example.com")
        #expect(store.isLoggedIn(registry: "registry.example.com"))
        #expect(try store.credentials(forImage: "registry.example.com/a:1")?.username == "login")
        #expect(try store.credentials(forImage: "registry.example.com/a:1")?.serverAddress == "registry.example.com")
        store.forget(registry: "registry.example.com")
        #expect(try store.credentials(for: "registry.example.com")?.username == "configured")

        // Without auth_configs the per-registry helper answers, although credsStore names a missing helper.
        let fileOnly = CredentialStore(environment: env)
        #expect(try fileOnly.credentials(for: "registry.example.com")?.username == "alice")
        // Other registries go to credsStore, which is not installed: an auth error naming the image.
        #expect {
            try fileOnly.header(forImage: "quay.io/x")
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .auth && e?.message.contains("docker-credential-absent") == true && e?.object == "quay.io/x"
        }
        // auth_configs and logins answer before any helper is asked.
        let hub = CredentialStore(authConfigs: ["index.docker.io": RegistryAuth(identityToken: "t")], environment: env)
        #expect(try hub.credentials(forImage: "busybox")?.identityToken == "t")
        hub.remember(RegistryAuth(username: "quay"), for: "quay.io")
        #expect(try hub.credentials(forImage: "quay.io/x")?.username == "quay")
    }

    @Test("X-Registry-Config holds everything known, keyed for the engine")
    func buildConfig() throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        try AuthFixture.helper("dmaptest", in: dir, Self.goodHelper)
        try AuthFixture.save(#"""
            {"credsStore": "dmaptest", "credHelpers": {"gcr.io": "absent"},
             "auths": {"http://127.0.0.1:5000": {"auth": "\#(AuthFixture.basic("local", "l"))"}}}
            """#, to: dir, "config.json")
        let store = CredentialStore(
            authConfigs: ["quay.io": RegistryAuth(username: "q", password: "p")],
            environment: AuthFixture.environment(path: dir, ["DOCKER_CONFIG": dir]))
        store.remember(RegistryAuth(username: "login", password: "l2"), for: "127.0.0.1:5000")
        let decoded = try #require(AuthFixture.decodeHeader(try store.buildConfigHeader()) as? [String: [String: String]])
        #expect(Set(decoded.keys) == ["https://index.docker.io/v1/", "registry.example.com", "quay.io", "127.0.0.1:5000"])
        #expect(decoded["https://index.docker.io/v1/"] == [
            "identitytoken": "hub-token", "serveraddress": "https://index.docker.io/v1/",
        ])
        #expect(decoded["registry.example.com"]?["password"] == "helper-SECRET")
        #expect(decoded["quay.io"] == ["username": "q", "password": "p", "serveraddress": "quay.io"])
        #expect(decoded["127.0.0.1:5000"]?["username"] == "login")
        #expect(CredentialStore.buildConfigHeader([:]) == "e30=")
    }

    @Test("Remembering and forgetting from many threads at once")
    func concurrentLogins() throws {
        let store = CredentialStore(environment: [:])
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            store.remember(RegistryAuth(username: "u\(i)", password: "p"), for: "r\(i).example.com")
            if i % 2 == 1 { store.forget(registry: "r\(i).example.com") }
        }
        for i in 0..<64 {
            #expect(try store.credentials(for: "r\(i).example.com")?.username == (i % 2 == 0 ? "u\(i)" : nil))
        }
    }
}
