import Foundation
import Testing
import DockerMapLua

private typealias U = UpdateHarness

/// `mc:update` of networks, endpoints and volumes against the test engine: endpoints change by (re)connecting,
/// without a new container or a restart; a network made again keeps its containers; a volume made again takes its
/// containers with it.
@Suite("Mapping client: update of networks and volumes (real engine)")
struct MappingClientUpdateNetworkTests {
    /// `db`, `app` and `web` on the network `back` (the links are endpoint links there); `network` is the table of
    /// `back`, `app` the extra fields of `app`.
    static func onBack(network: String = "{}", app: String = "") -> String {
        """
        { networks = { back = \(network) }, db = { networks = "back" }, web = { networks = "back" },
          app = { networks = "back", \(app) } }
        """
    }

    @Test("an endpoint left by hand: the container joins again, same id, not restarted")
    func endpointMissing() async throws {
        let r = try await U.change("upd-ep", from: Self.onBack(), to: Self.onBack(),
            before: #"d:disconnect_container_from_network(M .. ".app", M .. ".back")"#,
            check: #"(sh(d, M .. ".app", "ping -c1 -W2 db"))"#)
        #expect(r["plan"] == ["connect container M.app: network M.back endpoint missing"])
        #expect(r["steps"] == ["connect container M.app"])
        #expect(r["check"] == 0, "the link to db works again")
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("a network joined by hand that the map does not name: the container leaves it")
    func extraNetwork() async throws {
        let r = try await U.change("upd-extra", from: Self.onBack(), to: Self.onBack(),
            before: """
                d:create_network{ Name = M .. ".extra" }
                d:connect_container_to_network(M .. ".app", M .. ".extra")
                """,
            check: #"app().NetworkSettings.Networks[M .. ".extra"] == nil"#)
        #expect(r["plan"] == ["disconnect container M.app: network M.extra not in the map"])
        #expect(r["check"] == true)
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("an endpoint with another alias: the container leaves and joins again, same id, not restarted")
    func endpointAliasChanged() async throws {
        let r = try await U.change("upd-alias", from: Self.onBack(),
            to: #"{ networks = { back = {} }, db = { networks = "back" }, web = { networks = "back" }, app = { networks = { { "back", aliases = { "api" } } } } }"#,
            check: #"(sh(d, M .. ".web", "ping -c1 -W2 api"))"#)
        #expect(U.strings(r["plan"]) == [
            "disconnect container M.app: network M.back endpoint: alias api missing",
            "connect container M.app: network M.back endpoint: alias api missing",
        ])
        #expect(r["check"] == 0, "the new alias resolves")
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("internal = true: the network is made again, its containers join it again with the same ids")
    func networkInternalChanged() async throws {
        let r = try await U.change("upd-netint", from: Self.onBack(), to: Self.onBack(network: "{ internal = true }"),
            check: #"{ d:inspect_network(M .. ".back").Internal, (sh(d, M .. ".app", "ping -c1 -W2 db")) }"#)
        let reason = "network M.back is made again (internal false -> true)"
        #expect(U.strings(r["plan"]) == [
            "disconnect container M.app: \(reason)", "disconnect container M.db: \(reason)",
            "disconnect container M.web: \(reason)",
            "remove network M.back: internal false -> true", "create network M.back: internal false -> true",
            "connect container M.db: network M.back made again", "connect container M.app: network M.back made again",
            "connect container M.web: network M.back made again",
        ])
        #expect(r["check"] == [true, 0], "the network is internal; the link to db works")
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("driver options of a network: the network is made again, its containers join it again with the same ids")
    func networkOptionsChanged() async throws {
        let mtu = #"{ driver_options = { ["com.docker.network.driver.mtu"] = "%@" } }"#
        let r = try await U.change("upd-netopt", from: Self.onBack(network: mtu.replacingOccurrences(of: "%@", with: "1400")),
            to: Self.onBack(network: mtu.replacingOccurrences(of: "%@", with: "1300")),
            check: #"d:inspect_network(M .. ".back").Options["com.docker.network.driver.mtu"]"#)
        let option = "option com.docker.network.driver.mtu 1400 -> 1300"
        #expect(U.strings(r["plan"]) == [
            "disconnect container M.app: network M.back is made again (\(option))",
            "disconnect container M.db: network M.back is made again (\(option))",
            "disconnect container M.web: network M.back is made again (\(option))",
            "remove network M.back: \(option)", "create network M.back: \(option)",
            "connect container M.db: network M.back made again", "connect container M.app: network M.back made again",
            "connect container M.web: network M.back made again",
        ])
        #expect(r["check"] == "1300")
        expectUpdate(r, recreated: "", restarted: "")
    }

    @Test("driver options of an attached volume: the volume and the container that attaches it are made again")
    func volumeOptionsChanged() async throws {
        let volume = #"volumes = { data = { default_path = "/data", driver_options = { type = "tmpfs", device = "tmpfs"%@ } } }"#
        let from = "{ \(volume.replacingOccurrences(of: "%@", with: "")), app = { attaches = \"data\" } }"
        let to = "{ \(volume.replacingOccurrences(of: "%@", with: #", o = "size=10m""#)), app = { attaches = \"data\" } }"
        let r = try await U.change("upd-vol", from: from, to: to,
            before: #"sh(d, M .. ".app", "touch /data/old")"#,
            check: #"{ d:inspect_volume(M .. ".data").Options.o, (sh(d, M .. ".app", "test -f /data/old")) }"#)
        #expect(U.strings(r["plan"]) == [
            "stop container M.app: volume M.data is made again", "remove container M.app: volume M.data is made again",
            "remove volume M.data: driver options changed", "create volume M.data: driver options changed",
            "create container M.app: volume M.data made again", "start container M.app: volume M.data made again",
        ])
        #expect(r["check"] == ["size=10m", 1], "the volume has the new options and is new (empty)")
        expectUpdate(r, recreated: "app", restarted: "app")
    }

    @Test("a volume to make again that a container outside the update uses: a usage error, nothing changes")
    func volumeUsedOutsideTheUpdate() async throws {
        let r = try await H.run(H.mapName("upd-volout"), U.prelude + #"""
            local function def(opts)
              return { volumes = { data = { default_path = "/data", driver_options = opts } },
                       app = { attaches = "data" }, web = { uses = "data", links = false } }
            end
            client(def{ type = "tmpfs", device = "tmpfs" }):startup("web")
            local ids0 = ids()
            local mc = client(def{ type = "tmpfs", device = "tmpfs", o = "size=10m" })
            local ok, e = pcall(mc.update, mc, "app")
            report{ ok = ok, kind = e.kind, message = short(e.message), changed = changed(ids0, ids()),
                    o = d:inspect_volume(M .. ".data").Options.o }
            """#)
        #expect(r["ok"] == false)
        #expect(r["kind"] == "usage")
        let message = try #require(r["message"]?.stringValue)
        #expect(message.contains("M.data") && message.contains("M.web"), "\(message)")
        #expect(r["changed"] == "")
        #expect(r["o"] == nil)
    }
}

private typealias H = MappingClientHarness
