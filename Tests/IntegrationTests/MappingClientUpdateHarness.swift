import Foundation
import Testing
import DockerMapLua

/// The Lua the `update` tests share: a map made from `BASE` with changes, and what a test reads of the engine before
/// and after an update.
///
/// * `BASE`: `db`; `app`, linked to `db`; `web`, linked to `app` (each `sleep 300`, stopped with SIGKILL).
/// * `client(changes[, docker])`: a mapping client (of `docker`, else the default client) of `BASE` with `changes`
///   (`{ config = { field = value } }`; `false` removes a field; another name adds a configuration, or the map's
///   `networks` / `volumes`).
/// * `NAMES`: the containers the test follows (default `db`, `app`, `web`), by configuration name.
/// * `ids()`, `starts()`: their container ids and `State.StartedAt`, by name (`nil` when absent).
/// * `changed(a, b)`: the names whose value differs between `a` and `b`, sorted, joined by spaces.
/// * `states()`: their states, `name=state` joined by spaces.
/// * `planned(steps)`: steps as `action kind name: reason` (`name` written with `M`).
/// * `app()`: `d:inspect_container(M .. ".app")`.
enum UpdateHarness {
    static let prelude = """
        local function copy(t)
          if type(t) ~= "table" then return t end
          local out = {}
          for k, v in pairs(t) do out[k] = copy(v) end
          return out
        end
        BASE = {
          db = { image = "busybox:latest", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
          app = { image = "busybox:latest", links = { "db" }, stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
          web = { image = "busybox:latest", links = { "app" }, stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
        }
        NAMES = { "db", "app", "web" }
        function client(changes, docker)
          local def = copy(BASE)
          for name, fields in pairs(changes or {}) do
            def[name] = def[name] or {}
            for k, v in pairs(fields) do
              if v == false then def[name][k] = nil else def[name][k] = copy(v) end
            end
          end
          return dmap.mapping_client(dmap.map(M, def), docker)
        end
        local function each(f)
          local out = {}
          for _, n in ipairs(NAMES) do
            local ok, c = pcall(d.inspect_container, d, M .. "." .. n)
            out[n] = ok and f(c) or nil
          end
          return out
        end
        function ids() return each(function(c) return c.Id end) end
        function starts() return each(function(c) return c.State.StartedAt end) end
        function changed(a, b)
          local out = {}
          for _, n in ipairs(NAMES) do if a[n] ~= b[n] then out[#out + 1] = n end end
          return table.concat(out, " ")
        end
        function states()
          local out = {}
          for i, n in ipairs(NAMES) do out[i] = n .. "=" .. status(d, M .. "." .. n) end
          return table.concat(out, " ")
        end
        function planned(steps)
          local out = {}
          for i, s in ipairs(steps) do
            out[i] = s.action .. " " .. s.kind .. " " .. short(s.name) .. (s.reason and (": " .. short(s.reason)) or "")
          end
          return out
        end
        function app() return d:inspect_container(M .. ".app") end

        """

    /// Runs `setup` (Lua), brings up `target` of the map `client(from)`, runs `before` (Lua), then plans and runs
    /// `update` of `target` for the map `client(to)` with `options`, and updates once more (with `againOptions`, else
    /// `options`).
    ///
    /// Reports `plan` (as `planned`), `planChanged` (ids and start times the plan changed: empty), `steps` (as
    /// `lines`), `recreated` and `restarted` (`changed` of ids and start times), `states`, `again` (the second
    /// update's steps, `; `-joined: empty when there were none), and `check`, the Lua expression `check` evaluated
    /// after the first update.
    @discardableResult
    static func change(
        _ prefix: String, from: String = "{}", to: String, target: String = "web", options: String = "{}",
        againOptions: String? = nil, setup: String = "", before: String = "", check: String = "nil", names: String? = nil
    ) async throws -> Reports {
        try await MappingClientHarness.run(MappingClientHarness.mapName(prefix), prelude + """
            \(names.map { "NAMES = \($0)" } ?? "")
            \(setup)
            local mc = client(\(from))
            mc:startup("\(target)")
            \(before)
            local ids0, starts0 = ids(), starts()
            local mc2 = client(\(to))
            local opts = \(options)
            local plan = planned(mc2:plan("update", "\(target)", opts))
            local planChanged = changed(ids0, ids()) .. changed(starts0, starts())
            local steps = lines(mc2:update("\(target)", opts))
            local ids1, starts1 = ids(), starts()
            local check = \(check)
            local again = table.concat(planned(mc2:update("\(target)", \(againOptions ?? "opts"))), "; ")
            report{ plan = plan, steps = steps, recreated = changed(ids0, ids1), restarted = changed(starts0, starts1),
                    states = states(), again = again, check = check, planChanged = planChanged }
            """)
    }

    /// The steps of recreating a running container `name` (`M.name`) for `reason`.
    static func recreate(_ name: String, _ reason: String) -> [String] {
        ["stop", "remove", "create", "start"].map { "\($0) container M.\(name): \(reason)" }
    }

    /// The strings of a reported list.
    static func strings(_ v: Value?) -> [String] { (v?.arrayValue ?? []).compactMap(\.stringValue) }

    static let allRunning = "db=running app=running web=running"
}

/// What happened to the followed containers in an update (`UpdateHarness.change`): which were made again (new id), which started
/// again (new `StartedAt`), their states after it; and, every time, that the plan changed nothing and that a second
/// update right after has nothing to do.
func expectUpdate(
    _ r: Reports, recreated: String, restarted: String, states: String = UpdateHarness.allRunning,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(r["recreated"] == .string(recreated), "containers with a new id", sourceLocation: sourceLocation)
    #expect(r["restarted"] == .string(restarted), "containers started again", sourceLocation: sourceLocation)
    #expect(r["states"] == .string(states), sourceLocation: sourceLocation)
    #expect(r["planChanged"] == "", "mc:plan changes nothing", sourceLocation: sourceLocation)
    #expect(r["again"] == "", "a second update has nothing to do", sourceLocation: sourceLocation)
}
