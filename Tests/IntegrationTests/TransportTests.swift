import Foundation
import Testing
import DockerMapLua

/// The same engine over every transport: unix socket, plain TCP, TLS with client certificates, and ssh.
@Suite("Transports (real engine)")
struct TransportTests {
    @Test("tcp:// reaches the engine")
    func tcp() async throws {
        let url = try TestEnv.require("DMAP_TEST_TCP_HOST")
        let r = try await runLua("report(dmap.client{base_url = '\(url)'}:version().ApiVersion)")
        #expect(r.last.first?.stringValue?.hasPrefix("1.") == true)
    }

    @Test("tcp:// with TLS: the tls table, cert_path, and DOCKER_TLS_VERIFY/DOCKER_CERT_PATH")
    func tls() async throws {
        let url = try TestEnv.require("DMAP_TEST_TLS_HOST")
        let certs = try TestEnv.require("DMAP_TEST_CERT_PATH")
        let r = try await runLua("""
            local a = dmap.client{base_url = '\(url)', tls = {ca_cert = '\(certs)/ca.pem', client_cert = '\(certs)/cert.pem',
                                                            client_key = '\(certs)/key.pem'}}
            local b = dmap.client{base_url = '\(url)', tls = {cert_path = '\(certs)'}}
            local c = dmap.client{base_url = '\(url)'}  -- from the environment below
            report(a:ping(), b:version().ApiVersion ~= nil, #c:containers{all = true} >= 0)
            """, environment: ["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs])
        #expect(r.last == [true, true, true])
    }

    @Test("TLS failures: no client certificate, an untrusted engine, plain HTTP to a TLS port")
    func tlsFailures() async throws {
        let url = try TestEnv.require("DMAP_TEST_TLS_HOST")
        let certs = try TestEnv.require("DMAP_TEST_CERT_PATH")
        try await runLua("""
            -- Without a client certificate the engine refuses us.
            local nocert = dmap.client{base_url = '\(url)', tls = {ca_cert = '\(certs)/ca.pem'}}
            local ok, err = pcall(nocert.version, nocert)
            assert(not ok and (err.kind == "connection" or err.kind == "auth"), tostring(err))
            assert(err.client == '\(url) (TLS)' or err.message:find('127.0.0.1'), tostring(err))
            -- Verifying against the system roots: our CA is not among them.
            local untrusted = dmap.client{base_url = '\(url)', tls = {client_cert = '\(certs)/cert.pem', client_key = '\(certs)/key.pem'}}
            ok, err = pcall(untrusted.version, untrusted)
            assert(not ok and err.kind == "connection" and err.message:find("TLS"), tostring(err))
            -- Plain HTTP to the TLS port.
            local plain = dmap.client{base_url = '\(url)', tls = false}
            ok, err = pcall(plain.version, plain)
            assert(not ok and dmap.is_error(err), tostring(err))
            -- Missing certificate files are a config error before anything is sent.
            ok, err = pcall(dmap.client, {base_url = '\(url)', tls = {ca_cert = '/nonexistent/ca.pem'}})
            assert(not ok and err.kind == "config" and err.message:find("TLS"), tostring(err))
            """)
    }

    @Test("ssh:// reaches the engine through docker system dial-stdio, and reuses the connection")
    func ssh() async throws {
        let url = try TestEnv.require("DMAP_TEST_SSH_HOST")
        let config = try TestEnv.require("DMAP_TEST_SSH_CONFIG")
        let name = TestEnv.unique("ssh")
        let r = try await runLua("""
            local d = dmap.client{base_url = '\(url)', ssh = {config = '\(config)'}}
            local v = d:version()
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"echo", "over ssh"}}
            d:start("\(name)")
            d:wait("\(name)")
            local out = d:logs("\(name)").stdout
            d:remove_container("\(name)")
            report(v.ApiVersion ~= nil, out)
            """)
        #expect(r.last == [true, "over ssh\n"])
    }

    @Test("ssh:// to a host that refuses us is a connection error with ssh's own words")
    func sshRefused() async throws {
        let config = try TestEnv.require("DMAP_TEST_SSH_CONFIG")
        try await runLua("""
            local d = dmap.client{base_url = 'ssh://nobody-here@127.0.0.1:1', ssh = {config = '\(config)', multiplex = false}, timeout = 20}
            local ok, err = pcall(d.version, d)
            assert(not ok and err.kind == "connection", tostring(err))
            assert(err.message:find("ssh://nobody%-here@127.0.0.1:1"), err.message)
            assert(err.message:lower():find("refused") or err.message:lower():find("connect"), err.message)
            """)
    }
}
