import Foundation
import Testing
import DockerMapLua

/// Docker-Map's clean-up functions remove whole classes of objects, so they run on the second engine, one at a
/// time, each on a set of containers and images it prepares itself.
@Suite("Clean-up (second engine)", .serialized)
struct CleanupTests {
    /// Lua that prepares, on the second engine: an exited container, one never started, a running one, and an
    /// exited one to exclude; plus an untagged image committed from a container, and a tagged one.
    static let prepare = """
        local d = dmap.client{base_url = HOST2}
        d:remove_all_containers{stop_timeout = 0}
        local function run(name, cmd, start, wait)
          d:create_container{name = name, Image = "busybox:latest", Cmd = cmd, StopSignal = "SIGKILL"}
          if start then d:start(name) end
          if wait then d:wait(name) end
        end
        run("exited", {"true"}, true, true)
        run("initial", {"true"}, false, false)
        run("running", {"sleep", "300"}, true, false)
        run("keepme", {"true"}, true, true)
        """

    func lua(_ code: String) async throws -> Reports {
        let host2 = try TestEnv.require("DMAP_TEST_HOST2")
        return try await runLua("HOST2 = '\(host2)'\n" + Self.prepare + "\n" + code, host: host2)
    }

    @Test("cleanup_containers removes exited containers, keeps never-started ones unless asked, honours exclude")
    func cleanupContainers() async throws {
        let r = try await lua("""
            local listed = d:cleanup_containers{list_only = true, exclude = {"keepme"}}
            assert(#listed == 1 and listed[1] == "exited", table.concat(listed, ","))
            assert(d:get_container_names().exited, "list_only removes nothing")
            local removed = d:cleanup_containers{exclude = "keepme"}
            local names = d:get_container_names()
            report(removed, names.exited == nil, names.initial, names.running, names.keepme)
            removed = d:cleanup_containers{include_initial = true}
            table.sort(removed)
            names = d:get_container_names()
            report(removed, names.initial == nil, names.running)
            d:remove_all_containers{stop_timeout = 0}
            """)
        #expect(r.all[0] == [["exited"], true, true, true, true])
        #expect(r.all[1] == [["initial", "keepme"], true, true])
    }

    @Test("remove_all_containers stops what runs and removes everything; list_only touches nothing")
    func removeAll() async throws {
        let r = try await lua("""
            local running, all = d:remove_all_containers{list_only = true}
            assert(#running == 1 and #all == 4, #running .. "/" .. #all)
            local stopped, removed = d:remove_all_containers{stop_timeout = 1}
            report(#stopped, #removed, #d:containers{all = true})
            """)
        #expect(r.last == [1, 4, 0])
    }

    @Test("cleanup_images keeps tagged images, images in use and their ancestors; remove_old keeps latest and keep_tags")
    func cleanupImages() async throws {
        let tag = TestEnv.unique("old")
        let r = try await lua("""
            -- Untagged images: one from an exited container (not in use once it is gone), one in use.
            local dangling = d:api("POST", "/commit", {query = {container = "exited"}}).Id
            local inuse = d:api("POST", "/commit", {query = {container = "keepme"}}).Id
            d:create_container{name = "user", Image = inuse, Cmd = {"true"}}
            -- Tagged: an old tag and a kept tag on committed images.
            local old = d:api("POST", "/commit", {query = {container = "exited", repo = "\(tag)", tag = "1.0"}}).Id
            local stable = d:api("POST", "/commit", {query = {container = "exited", repo = "\(tag)", tag = "stable"}}).Id
            local candidates = d:cleanup_images{list_only = true}
            assert(#candidates == 1 and candidates[1] == dangling, "only the dangling image: " .. table.concat(candidates, ","))
            local removed = d:cleanup_images()
            local ok = pcall(d.inspect_image, d, dangling)
            report(#removed, ok, d:inspect_image(inuse).Id == inuse)
            -- remove_old: only latest and keep_tags survive among tagged images (busybox:latest stays).
            removed = d:cleanup_images{remove_old = true, keep_tags = {"stable"}}
            report(#removed, pcall(d.inspect_image, d, old), d:inspect_image("\(tag):stable").Id == stable,
                   d:inspect_image("busybox:latest").Id ~= nil)
            d:remove_all_containers{stop_timeout = 0}
            d:cleanup_images{remove_old = true}
            """)
        #expect(r.all[0] == [1, false, true])
        #expect(r.all[1] == [1, false, true, true])
    }
}
