import Foundation
import Testing
import DockerMapLua

/// Every engine call has a timeout; streaming and waiting calls time out on silence.
@Suite("Timeouts (real engine)")
struct TimeoutTests {
    @Test("wait with a timeout, and the client's timeout on a silent call, give kind timeout")
    func timeouts() async throws {
        let name = TestEnv.unique("timeout")
        let r = try await runLua("""
            local d = dmap.client()
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"sleep", "300"}, StopSignal = "SIGKILL"}
            d:start("\(name)")
            local t0 = os.time()
            local ok, err = pcall(d.wait, d, "\(name)", {timeout = 1})
            assert(not ok and err.kind == "timeout", tostring(err))
            -- A client whose timeout is 1 s: the engine stays silent on /wait while the container runs.
            local quick = dmap.client{timeout = 1}
            ok, err = pcall(quick.api, quick, "POST", "/containers/\(name)/wait")
            assert(not ok and err.kind == "timeout", tostring(err))
            assert(quick:ping(), "the client still works afterwards")
            local elapsed = os.time() - t0
            d:remove_container("\(name)", {force = true})
            report(elapsed)
            """)
        let elapsed = try #require(r.last.first?.intValue)
        // Without the timeouts the calls would wait for the default 60 s (the container sleeps 300 s); the margin is
        // for a machine that runs the whole suite at once.
        #expect(elapsed < 30)
    }

    @Test("a long answer that keeps talking is not cut off by the timeout")
    func longButTalking() async throws {
        let name = TestEnv.unique("talk")
        let r = try await runLua("""
            -- Only the streaming call has the short timeout: a busy engine may take seconds to create or start.
            local setup = dmap.client()
            local d = dmap.client{timeout = 5}
            setup:create_container{name = "\(name)", Image = "busybox:latest", StopSignal = "SIGKILL",
              Cmd = {"sh", "-c", "for i in $(seq 24); do echo x; sleep 0.5; done"}}
            setup:start("\(name)")
            -- logs with follow streams for 12 s in all (over twice the timeout) but is never silent for more than
            -- about 0.5 s, which leaves a loaded machine (the whole suite runs at once on two cores) 4.5 s of slack.
            local out = d:api("GET", "/containers/\(name)/logs", {query = {follow = true, stdout = true}})
            setup:remove_container("\(name)", {force = true})
            report(#out)
            """)
        // 24 frames of 8-byte header plus "x\n".
        #expect(r.last == [240])
    }
}
