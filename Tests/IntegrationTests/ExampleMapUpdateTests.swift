import Foundation
import Testing
import DockerMapLua

/// Every example map in examples/maps is brought up and updated twice on the test engine: an update right after a
/// startup finds nothing to do, and no container is made again.
@Suite("Examples: update of every example map")
struct ExampleMapUpdateTests {
    static let directory = TestEnv.repositoryRoot.appendingPathComponent("examples/maps")

    /// The maps in examples/maps: `.lua` files return a map, `.yaml` files are Docker-Map files.
    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    @Test("examples/maps holds the example maps")
    func mapsAreThere() {
        #expect(Set(Self.files).isSuperset(of: ["shop.lua", "startup.lua", "webapp.yaml"]), "\(Self.files)")
    }

    @Test("startup, then update twice: neither update has a step, and every container keeps its id",
          arguments: files)
    func startupThenUpdate(file: String) async throws {
        let path = Self.directory.appendingPathComponent(file).path
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnv.unique("example-root"))
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let prefix = file.split(separator: ".").first.map(String.init) ?? "map"
        let r = try await MappingClientHarness.run(MappingClientHarness.mapName("ex-\(prefix)"),
                                                   Self.body(path: path, hostRoot: root.path))
        #expect(r["startup"]?.intValue ?? 0 > 0)
        #expect(r["containers"]?.intValue ?? 0 > 0)
        #expect(r["running"] == r["containers"], "every container runs after startup")
        #expect(r["plan"] == .array([]), "mc:plan(\"update\") right after startup")
        #expect(r["first"] == .array([]), "the first update")
        #expect(r["second"] == .array([]), "the second update")
        #expect(r["changed"] == .array([]), "containers whose id changed")
        #expect(r["left"] == .array([]), "built images left behind")
    }

    /// The script: loads the map under the harness's unique name `M` (its host paths under `hostRoot`), builds the
    /// images it names that the engine lacks (busybox, `sleep 3600`, SIGKILL; a health check that passes at once
    /// where the map waits for healthy; the map's user names in /etc/passwd), then startup, update, update, and
    /// shutdown. Everything the map made is removed by the harness; the built tags here.
    static func body(path: String, hostRoot: String) -> String {
        """
        local path, hostroot = "\(path)", "\(hostRoot)"
        local loaded = path:match("%.lua$") and dofile(path) or dmap.load_map(path)
        local t = loaded:as_table()
        if t.host and t.host.root then t.host.root = hostroot end
        local m = dmap.map(M, t)

        -- User names the containers run as and volumes belong to: busybox knows none of them.
        local function named(u) return u ~= nil and not tostring(u):match("^%d+$") end
        local users, healthy = {}, {}
        for _, name in ipairs(m:containers()) do
          local c = m:get(name)
          if named(c.user) then users[tostring(c.user)] = true end
          if c.wait and c.wait.state == "healthy" then healthy[m:image(name)] = true end
        end
        for _, v in pairs(t.volumes or {}) do if named(v.user) then users[tostring(v.user)] = true end end
        local names, lines = {}, {}
        for u in pairs(users) do names[#names + 1] = u end
        table.sort(names)
        for i, u in ipairs(names) do
          lines[i] = ("RUN mkdir -p /etc && echo '%s:x:%d:%d::/tmp:/bin/sh' >> /etc/passwd && echo '%s:x:%d:' >> /etc/group")
            :format(u, 1000 + i, 1000 + i, u, 1000 + i)
        end

        local built = {}
        local function build(tag, health)
          local df = dmap.dockerfile{ baseimage = "busybox:latest", initial = lines, command = { "sleep", "3600" },
                                      stopsignal = "SIGKILL" }
          if health then df.healthcheck = "--interval=1s --timeout=5s --retries=3 CMD true" end
          built[#built + 1] = tag
          assert(d:build_from_file(df, tag, { rm = true }))
        end

        local result = {}
        local ok, err = pcall(function()
          local tags, seen = d:get_image_tags(), {}
          for _, name in ipairs(m:containers()) do
            local image = m:image(name)
            if not tags[image] and not seen[image] then
              seen[image] = true
              build(image, healthy[image])
            end
          end
          -- Volumes owned by a named user are prepared in a core image that knows the name.
          local options = {}
          if #names > 0 then
            options.core_image = M .. "-core:latest"
            build(options.core_image, false)
          end
          local mc = dmap.mapping_client{ maps = m, options = options }

          local function ids()
            local out, n, running = {}, 0, 0
            for _, c in ipairs(d:containers{ all = true }) do
              for _, name in ipairs(c.Names or {}) do
                if name:sub(2, #M + 2) == M .. "." then
                  out[name:sub(2)] = c.Id
                  n = n + 1
                  if c.State == "running" then running = running + 1 end
                  break
                end
              end
            end
            return out, n, running
          end
          local function described(steps)
            local out = {}
            for i, s in ipairs(steps) do out[i] = s.action .. " " .. s.kind .. " " .. short(s.name) .. ": " .. tostring(s.reason) end
            return dmap.array(out)
          end

          local up = mc:startup("__all__")
          local before, n, running = ids()
          local plan = mc:plan("update", "__all__")
          local first = mc:update("__all__")
          local second = mc:update("__all__")
          local after = ids()
          local changed = {}
          for name, id in pairs(before) do if after[name] ~= id then changed[#changed + 1] = short(name) end end
          for name in pairs(after) do if not before[name] then changed[#changed + 1] = short(name) end end
          table.sort(changed)
          mc:shutdown("__all__")
          result = { startup = #up, containers = n, running = running, plan = described(plan),
                     first = described(first), second = described(second), changed = dmap.array(changed) }
        end)
        clean(d)  -- the map's containers, networks and volumes, and tags that hold M (the core image)
        for _, tag in ipairs(built) do pcall(d.remove_image, d, tag) end
        local left, tags = {}, d:get_image_tags()
        for _, tag in ipairs(built) do if tags[tag] then left[#left + 1] = tag end end
        if not ok then error(err, 0) end
        result.left = dmap.array(left)
        report(result)
        """
    }
}
