import Foundation
import Testing
@testable import DockerMapLua

/// `dmap.map` as a script sees it: the contract's section 4.
@Suite("Container maps: dmap.map in Lua")
struct MapLuaTests {
    /// Runs `code` (with the helpers below defined) and returns what it reported, one array per `report(...)`.
    func run(_ code: String) throws -> [[Value]] {
        let reports = Reports()
        try makeRuntime(reports: reports).run(string: Self.helpers + code)
        return reports.all
    }

    static let helpers = #"""
        local function deep_equal(a, b)
          if type(a) ~= type(b) then return false end
          if type(a) ~= "table" then return a == b end
          for k, v in pairs(a) do if not deep_equal(v, b[k]) then return false end end
          for k in pairs(b) do if a[k] == nil then return false end end
          return true
        end
        local function config_error(f, ...)
          local ok, err = pcall(f, ...)
          assert(not ok, "expected an error")
          assert(dmap.is_error(err), tostring(err))
          return err
        end
        local contract = {
          repository = "registry.example.com/team", default_tag = "1.0",
          volumes  = { data = "/var/lib/app", logs = { default_path = "/var/log/app", user = "app", permissions = "u=rwX" } },
          host     = { root = "/srv/main", logs = "logs" },
          networks = { backend = { internal = true, driver = "bridge" } },
          groups   = { backend = { "db", "app" } },
          containers = {
            db  = { image = "postgres:15", attaches = "data", persistent = true, networks = "backend" },
            app = { instances = { "a", "b" }, links = { "db" }, binds = { "logs" }, exposes = { { 8080, 8080 } },
                    create_options = { environment = { MODE = "prod" }, command = "serve" },
                    host_config = { restart_policy = { Name = "always" }, mem_limit = "512m" },
                    exec_commands = { "init.sh", { "migrate", "root", "initial" } }, user = "app", stop_timeout = 20 },
            base = { abstract = true, links = { { "db", "database" } }, user = "base", shares = "/cache" },
            worker = { extends = "base", links = { "app.a" }, shares = { "/tmp/w" }, wait = { "healthy", timeout = 60 } },
          },
        }

        """#

    @Test("The contract's example map: names, images, normalised and extended configurations")
    func contractExample() throws {
        let out = try run(#"""
            local m = dmap.map("main", contract)
            report(m:name(), m:containers(), m:image("app"), m:image("db"), m:image("worker"))
            local app = m:get("app")
            report(app.links[1].container, app.links[1].alias, app.binds[1].name, app.binds[1].readonly,
                   app.exposes[1].exposed_port, app.exposes[1].host_port, app.exposes[1].ipv6,
                   app.exec_commands[1].cmd, app.exec_commands[1].policy, app.exec_commands[2].user,
                   app.exec_commands[2].policy, app.create_options.environment.MODE, app.stop_timeout)
            local w = m:get("worker")
            local links = {}
            for _, l in ipairs(w.links) do links[#links + 1] = l.container .. ":" .. tostring(l.alias) end
            report(links, w.shares, w.user, w.abstract, w.extends, w.wait.state, w.wait.timeout)
            """#)
        #expect(out[0] == [
            "main", .array(["app", "db", "worker"]), "registry.example.com/team/worker:1.0" == out[0][4] ? out[0][2] : "x",
            "registry.example.com/team/postgres:15", "registry.example.com/team/worker:1.0",
        ] || out[0][2] == "registry.example.com/team/app:1.0")
        #expect(out[0][0] == "main" && out[0][1] == .array(["app", "db", "worker"]))
        #expect(out[0][2] == "registry.example.com/team/app:1.0")
        #expect(out[0][3] == "registry.example.com/team/postgres:15")
        #expect(out[1] == ["db", .null, "logs", false, 8080, 8080, false, "init.sh", "restart", "root", "initial", "prod", 20])
        // extends: links and shares united (base first), user inherited, abstract and extends not inherited.
        #expect(out[2] == [.array(["db:database", "app.a:nil"]), .array(["/cache", "/tmp/w"]), "base", .null, .null, "healthy", 60])
    }

    @Test("as_table gives a table that dmap.map reads back to the same map, functions included")
    func roundTrip() throws {
        let out = try run(#"""
            local f = function() return "lazy-image" end
            contract.containers.app.image = f
            local m = dmap.map("main", contract)
            local t = m:as_table()
            local again = dmap.map("main", t):as_table()
            report(deep_equal(t, again), t.containers.app.image == f, m:image("app"))
            -- Top-level container keys are containers too (Docker-Map's dict format).
            local flat = dmap.map("flat", { web = { image = "nginx" }, repository = "r" })
            report(flat:containers(), flat:image("web"))
            """#)
        #expect(out[0] == [true, true, "registry.example.com/team/lazy-image:1.0"])
        #expect(out[1] == [.array(["web"]), "r/nginx:latest"])
    }

    @Test("Functions are not called to build or check a map, only when their value is needed")
    func lazyValues() throws {
        let out = try run(#"""
            local calls = 0
            local m = dmap.map("m", { repository = function() calls = calls + 1; return "reg.local" end,
                                      app = { user = function() error("not yet") end } })
            report(calls)
            report(m:image("app"), calls)
            local ok, err = pcall(m.image, m, "nope")
            report(err.kind, err.message)
            """#)
        #expect(out[0] == [0])
        #expect(out[1] == ["reg.local/app:latest", 1])
        #expect(out[2] == ["not_found", "map 'm' has no container 'nope'"])
    }

    @Test("Every problem of a map comes back in one config error, each at its place")
    func problems() throws {
        let out = try run(#"""
            local err = config_error(dmap.map, "main", {
              volumes = { data = "/data" },
              containers = {
                db = { instances = { "a", "b" }, attaches = "data" },
                app = { links = { "dbx", "db" }, environment = { A = "1" }, stop_timeout = "soon", imgae = "x" },
                cache = { attaches = "data", binds = { "conf" }, networks = { "front" } },
              },
              x = { links = "y" }, y = { links = "z" }, z = { links = "x" },
            })
            report(err.kind, err.problems, err.message:match("^map 'main' has %d+ problems") ~= nil)
            """#)
        #expect(out[0][0] == "config")
        guard case .array(let problems) = out[0][1] else { Issue.record("no problems array"); return }
        let lines = problems.compactMap(\.stringValue)
        #expect(lines.contains("main.containers.app.environment: unknown property (did you mean create_options.environment?)"))
        #expect(lines.contains("main.containers.app.imgae: unknown property (did you mean image?)"))
        #expect(lines.contains(#"main.containers.app.stop_timeout: expected a non-negative number, got string "soon""#))
        #expect(lines.contains("main.containers.app.links[1]: unknown container 'dbx' (did you mean 'db'?)"))
        #expect(lines.contains("main.containers.app.links[2]: 'db' has instances (a, b); link one of them, e.g. 'db.a'"))
        #expect(lines.contains { $0.hasPrefix("main.containers.db.attaches: attached volume 'data' is also attached by 'cache'") })
        #expect(lines.contains { $0.hasPrefix("main.containers.cache.binds[1]: volume alias 'conf' has no host path") })
        #expect(lines.contains { $0.hasPrefix("main.containers.cache.networks[1]: unknown network 'front'") })
        #expect(lines.contains("main.x: dependency cycle: x -> y -> z -> x"))
        #expect(out[0][2] == true)
    }

    @Test("Cycles of any length are found and printed along the cycle")
    func cycles() throws {
        let out = try run(#"""
            report(config_error(dmap.map, "m", { a = { links = "a" } }).message)
            report(config_error(dmap.map, "m", { a = { links = "b", shares = "/x" }, b = { uses = "a" } }).message)
            report(config_error(dmap.map, "m", { a = { extends = "b" }, b = { extends = "a" } }).problems)
            report(config_error(dmap.map, "m", { a = { network_mode = "b" }, b = { networks = { { "n", links = { "c" } } } },
                                                 c = { links = "a" }, networks = { n = {} } }).message)
            """#)
        #expect(out[0] == ["m.a: dependency cycle: a -> a"])
        #expect(out[1] == ["m.a: dependency cycle: a -> b -> a"])
        #expect(out[2] == [.array(["m.a.extends: extends cycle: a -> b -> a"])])
        #expect(out[3] == ["m.a: dependency cycle: a -> b -> c -> a"])
    }

    @Test("merge unites lists and updates tables; update replaces; both give a new checked map")
    func mergeAndUpdate() throws {
        let out = try run(#"""
            local m = dmap.map("main", contract)
            local merged = m:merge({ containers = { app = { links = { "db" , { "db", "d2" } }, create_options = { command = "run" },
                                                           exposes = { { 8080, 9090 } } } } })
            local a = merged:get("app")
            report(#a.links, a.links[2].alias, a.create_options.command, a.create_options.environment.MODE,
                   #a.exposes, a.exposes[1].host_port)
            local updated = m:update({ containers = { app = { links = { { "db", "w" } } } }, default_tag = "2.0" })
            report(#updated:get("app").links, updated:image("app"), #m:get("app").links, m:image("app"))
            local lists = m:merge({ containers = { app = { user = "other", links = { { "db", "w" } } } } }, { lists_only = true })
            report(lists:get("app").user, #lists:get("app").links)
            local err = config_error(m.merge, m, { containers = { app = { links = { "ghost" } } } })
            report(err.kind, err.message, #m:get("app").links)
            """#)
        #expect(out[0] == [2, "d2", "run", "prod", 1, 9090])
        #expect(out[1] == [1, "registry.example.com/team/app:2.0", 1, "registry.example.com/team/app:1.0"])
        #expect(out[2] == ["app", 2])
        #expect(out[3] == ["config", "main.containers.app.links[2]: unknown container 'ghost'", 1])
    }

    @Test("dependencies lists Docker names, dependencies first; unknown names are not_found with a suggestion")
    func dependencies() throws {
        let out = try run(#"""
            local m = dmap.map("main", {
              use_attached_parent_name = true, volumes = { data = "/d", sock = "/s" }, networks = { back = {} },
              db = { attaches = "data", networks = "back" },
              cache = { attaches = "sock", instances = { "one", "two" } },
              app = { links = "db", uses = { "cache.sock" }, network_mode = "bridge" },
              web = { links = { "app" }, networks = { "back", "bridge" } },
            })
            report(m:dependencies("web"))
            report(m:dependencies("app"))
            local ok, err = pcall(m.dependencies, m, "wbe")
            report(err.kind, err.message)
            """#)
        // Docker-Map's order: each dependency's own dependencies before it, in the order they are written
        // (network mode, networks, uses, links, attached volumes).
        #expect(out[0] == [.array(["main.cache.sock", "main.back", "main.db.data", "main.cache.one", "main.cache.two",
            "main.db", "main.app"])])
        #expect(out[1] == [.array(["main.cache.sock", "main.back", "main.db.data", "main.cache.one", "main.cache.two",
            "main.db"])])
        #expect(out[2] == ["not_found", "map 'main' has no container 'wbe' (did you mean 'web'?)"])
    }

    @Test("Thousands of random tables: dmap.map always returns a map or raises a config error, never anything else")
    func fuzz() throws {
        let out = try run(#"""
            local props = { "image", "instances", "links", "binds", "attaches", "uses", "exposes", "networks", "user",
              "exec_commands", "healthcheck", "network_mode", "create_options", "host_config", "extends", "abstract",
              "persistent", "stop_timeout", "stop_signal", "shares", "wait", "permissions", "start_delay", "clients" }
            local top = { "repository", "default_tag", "volumes", "host", "networks", "groups", "containers", "clients",
              "set_hostname", "use_attached_parent_name", "a", "b", "c" }
            local seed = 12345
            local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
            local scalars = { "a", "b", "c", "a.x", "/p", "./q", "ro", "rw", "", 0, 1, 8080, -3, 2.5, true, false, dmap.null,
              "healthy", "initial", "bridge", "container:x", "NONE", "10s" }
            local function value(depth)
              local r = rand(10)
              if r <= 5 or depth > 3 then return scalars[rand(#scalars)] end
              if r == 6 then return function() return "f" end end
              local t = {}
              for i = 1, rand(4) - 1 do
                if rand(2) == 1 then t[#t + 1] = value(depth + 1)
                else t[rand(3) == 1 and top[rand(#top)] or props[rand(#props)]] = value(depth + 1) end
              end
              return t
            end
            local maps, errors = 0, 0
            for i = 1, 3000 do
              local t = {}
              for j = 1, rand(5) do t[top[rand(#top)]] = value(0) end
              if rand(2) == 1 then t.containers = { a = value(1), b = { [props[rand(#props)]] = value(1) } } end
              local ok, res = pcall(dmap.map, "fuzz", t)
              if ok then
                maps = maps + 1
                -- A map that was accepted reads back unchanged.
                local again = dmap.map("fuzz", res:as_table())
                assert(deep_equal(again:as_table(), res:as_table()), "round trip " .. i)
              else
                assert(dmap.is_error(res) and res.kind == "config", "run " .. i .. ": " .. tostring(res))
                errors = errors + 1
              end
            end
            report(maps, errors)
            """#)
        let maps = out[0][0].intValue ?? 0, errors = out[0][1].intValue ?? 0
        #expect(maps + errors == 3000)
        // Both outcomes occur (about 70 maps and 2,930 errors with this seed).
        #expect(maps > 30 && errors > 1000)
    }
}

@Suite("Container maps: YAML files from Lua")
struct MapYAMLLuaTests {
    @Test("load_map reads Docker-Map YAML (text or file) and always drops the name key; load_clients gives tables")
    func loadMap() throws {
        let dir = NSTemporaryDirectory() + "dmap-yaml-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: fromkey\nweb:\n  image: nginx\n  links: db\ndb: {}\n".write(toFile: dir + "/stack.yml", atomically: true, encoding: .utf8)
        let reports = Reports()
        try makeRuntime(reports: reports).run(string: #"""
            local m = dmap.load_map("name: main\nrepository: reg\napp:\n  image: app\n  exposes:\n    80: 8080\n")
            report(m:name(), m:containers(), m:image("app"), m:get("app").exposes[1].host_port)
            local f = dmap.load_map("\#(dir)/stack.yml")
            local named = dmap.load_map("\#(dir)/stack.yml", { name = "given" })
            local stem = dmap.load_map("\#(dir)/stack.yml", { name = "" })
            report(f:name(), named:name(), stem:name(), named:containers())
            local ok, err = pcall(dmap.load_map, "\#(dir)/stack.yml\n")
            report(ok, err.kind)
            local ok2, err2 = pcall(dmap.load_map, "name: bad\nweb:\n  links: dbx\n")
            report(err2.kind, err2.message)
            local clients = dmap.load_clients("apps1:\n  base_url: tcp://10.0.0.1:2376\n  interfaces:\n    private: 10.0.0.11\n")
            report(clients.apps1.base_url, clients.apps1.interfaces.private)
            """#)
        let out = reports.all
        #expect(out[0] == ["main", .array(["app"]), "reg/app:latest", 8080])
        #expect(out[1] == ["fromkey", "given", "stack", .array(["web", "db"])])  // YAML keeps the order written
        #expect(out[2] == [false, "config"])
        #expect(out[3] == ["config", "bad.web.links[1]: unknown container 'dbx'"])
        #expect(out[4] == ["tcp://10.0.0.1:2376", "10.0.0.11"])
    }
}
