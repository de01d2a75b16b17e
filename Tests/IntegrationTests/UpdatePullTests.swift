import Foundation
import Testing
import DockerMapLua

private typealias H = MappingClientHarness
private typealias U = UpdateHarness

/// `mc:update` with `pull_before_update` against the test registry (`DMAP_TEST_REGISTRY`, with
/// `DMAP_TEST_REGISTRY_USER` and `DMAP_TEST_REGISTRY_PASSWORD`): a newer image in the registry under the configured
/// tag is pulled, and the container is made again from it.
@Suite("Mapping client: update with pull_before_update (real registry)")
struct UpdatePullTests {
    @Test("pull_before_update: the image is pulled first; a new one under the tag makes the container again")
    func pullBeforeUpdate() async throws {
        _ = try TestEnv.require("DMAP_TEST_REGISTRY")
        let r = try await H.run(H.mapName("upd-pull"), U.prelude + """
            local REG = os.getenv("DMAP_TEST_REGISTRY")
            local function r(list)
              for i, l in ipairs(list) do list[i] = l:gsub(REG:gsub("%p", "%%%0"), "R") end
              return list
            end
            assert(d:login{ username = os.getenv("DMAP_TEST_REGISTRY_USER"),
                            password = os.getenv("DMAP_TEST_REGISTRY_PASSWORD"), registry = REG })
            -- db and web run an image that stays the same; app one that changes (every pull reaches the registry).
            local IMG, SAME = REG .. "/" .. M .. "/img:1", REG .. "/" .. M .. "/same:1"
            for _, image in ipairs{ IMG, SAME } do
              d:tag("busybox:latest", image)
              assert(d:push(image))
            end
            -- The mapping client of d, which holds the login.
            local mc = client({ db = { image = SAME }, app = { image = IMG }, web = { image = SAME } }, d)
            mc:startup("web")
            local ids0 = ids()
            -- A newer image in the registry; here the tag stays on the old one.
            local df = dmap.dockerfile{ baseimage = "busybox:latest", command = { "sleep", "301" } }
            local new = assert(d:build_from_file(df, IMG))
            assert(d:push(IMG))
            d:tag("busybox:latest", IMG)
            local without = planned(mc:plan("update", "web"))
            local plan = planned(mc:plan("update", "web", { pull_before_update = true }))
            local steps = lines(mc:update("web", { pull_before_update = true }))
            local ids1 = ids()
            report{ without = without, plan = r(plan), steps = r(steps), recreated = changed(ids0, ids1), states = states(),
                    newImage = app().Image == d:inspect_image(new).Id,
                    again = r(lines(mc:update("web", { pull_before_update = true }))), recreatedAgain = changed(ids1, ids()) }
            """)
        #expect(U.strings(r["without"]) == [], "without the option, the local image is the same")
        #expect(U.strings(r["plan"]) == ["pull image R/M/same:1: pull_before_update", "pull image R/M/img:1: pull_before_update"],
                "the plan only pulls: it cannot know what")
        let steps = U.strings(r["steps"])
        #expect(Set(steps.prefix(2)) == ["pull image R/M/img:1", "pull image R/M/same:1"], "the pulls come first")
        #expect(Array(steps.dropFirst(2)) == [
            "stop container M.app", "remove container M.app", "create container M.app", "start container M.app",
        ])
        #expect(r["recreated"] == "app")
        #expect(r["newImage"] == true, "app runs the pulled image")
        #expect(r["states"] == .string(U.allRunning))
        #expect(Set(U.strings(r["again"])) == ["pull image R/M/img:1", "pull image R/M/same:1"], "a second update only pulls")
        #expect(r["recreatedAgain"] == "")
    }
}
