import Foundation
import Testing
import DockerMapLua

/// `update` with `pull_before_update` against the password-protected test registry: a new image under the same tag
/// on the registry makes the container again; without the option, only local image ids count.
@Suite("Mapping client: update pulls first (real registry)")
struct MappingClientUpdatePullTests {
    typealias H = MappingClientHarness

    @Test("pull_before_update pulls, then makes again only the container whose image id changed")
    func pullBeforeUpdate() async throws {
        _ = try TestEnv.require("DMAP_TEST_REGISTRY")
        let r = try await H.run(H.mapName("pull"), """
            local REG, USER, PASS = os.getenv("DMAP_TEST_REGISTRY"), os.getenv("DMAP_TEST_REGISTRY_USER"), os.getenv("DMAP_TEST_REGISTRY_PASSWORD")
            local image, otherImage = REG .. "/" .. M .. ":1", REG .. "/" .. M .. "-other:1"
            assert(d:login{ username = USER, password = PASS, registry = REG })
            for _, i in ipairs{ image, otherImage } do
              d:tag("busybox:latest", i)
              assert(d:push(i))
            end
            local m = dmap.map(M, {
              app = { image = image, stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
              other = { image = otherImage, stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
            })
            local function norm(steps)
              local out = lines(steps)
              for i, l in ipairs(out) do out[i] = l:gsub(REG:gsub("%p", "%%%0"), "REG") end
              return out
            end
            local mc = dmap.mapping_client(m, d)
            mc:startup("__all__")
            local before = { app = d:inspect_container(M .. ".app").Id, other = d:inspect_container(M .. ".other").Id }

            -- A new image under the same tag on the registry; locally the tag still names the old one.
            local df = dmap.dockerfile{ baseimage = "busybox:latest" }
            df:run("echo two > /version")
            local newID = d:build_from_file(df, image)
            assert(d:push(image))
            d:tag("busybox:latest", image)

            local plain = mc:update("__all__")
            local plan = mc:plan("update", "__all__", { pull_before_update = true })
            local pulled = mc:update("__all__", { pull_before_update = true })
            local after = { app = d:inspect_container(M .. ".app").Id, other = d:inspect_container(M .. ".other").Id }
            local again = mc:update("__all__")
            pcall(d.remove_image, d, newID, { force = true })
            report{
              plain = #plain, plan = norm(plan), pulled = norm(pulled),
              appImage = d:inspect_container(M .. ".app").Image == newID,
              appNew = after.app ~= before.app, otherSame = after.other == before.other,
              running = status(d, M .. ".app"), again = #again,
            }
            """)
        #expect(r["plain"] == 0)
        // The plan cannot know what the pull brings: it shows the pulls.
        #expect(r["plan"] == ["pull image REG/M:1", "pull image REG/M-other:1"])
        #expect(r["pulled"] == [
            "pull image REG/M:1", "pull image REG/M-other:1",
            "stop container M.app", "remove container M.app", "create container M.app", "start container M.app",
        ])
        #expect(r["appImage"] == true && r["appNew"] == true && r["otherSame"] == true)
        #expect(r["running"] == "running" && r["again"] == 0)
    }
}
