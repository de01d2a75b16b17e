import Foundation
import Testing
import DockerMapLua

private typealias H = MappingClientHarness

@Suite("Mapping client: attached volumes on shutdown (real engine)")
struct MappingClientVolumeTests {
    @Test("shutdown keeps attached volumes unless remove_attached asks; then they go after their containers")
    func removeAttached() async throws {
        let r = try await H.run(H.mapName("vols"), """
            local m = dmap.map(M, { volumes = { data = "/data" },
              db = { image = "busybox:latest", attaches = "data", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } } })
            local mc = dmap.mapping_client(m)
            local function volume() return (pcall(d.inspect_volume, d, M .. ".data")) end
            mc:startup("db")
            mc:shutdown("db")
            local kept = volume()
            mc:startup("db")
            local steps = lines(mc:shutdown("db", { remove_attached = true }))
            report{ kept = kept, steps = steps, gone = not volume() }
            """)
        #expect(r["kept"] == true)
        #expect(r["steps"] == ["stop container M.db", "remove container M.db", "remove volume M.data"])
        #expect(r["gone"] == true)
    }
}
