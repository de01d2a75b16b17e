import Foundation
import Testing
@testable import DockerMapLua

@Suite("Lua bridge: values both ways")
struct BridgeConversionTests {
    @Test("Swift values reach Lua with their Lua types")
    func swiftToLua() throws {
        let runtime = try makeRuntime()
        runtime.register("give") { _ in
            [.int(42), .double(1.5), .string("héllo\u{0}x"), .bool(true), .null,
             .array([1, .null, "three"]), .object(["a": 1, "b": ["c": true], "gone": .null])]
        }
        try runtime.run(string: """
            local i, d, s, b, n, arr, obj = give()
            assert(math.type(i) == "integer" and i == 42, "integer")
            assert(math.type(d) == "float" and d == 1.5, "float")
            assert(s == "héllo\\0x" and #s == 8, "string with NUL: " .. #s)
            assert(b == true, "boolean")
            assert(n == nil, "nil")
            assert(#arr == 3 and arr[1] == 1 and arr[2] == dmap.null and arr[3] == "three", "array with null")
            assert(obj.a == 1 and obj.b.c == true and obj.gone == nil, "object without null fields")
            """)
    }

    @Test("Lua values reach Swift as the value tree")
    func luaToSwift() throws {
        let reports = Reports()
        let runtime = try makeRuntime(reports: reports)
        try runtime.run(string: """
            report(1, 2.5, "s", false, nil, {1, 2, {3}}, {a = {b = "c"}, [5] = "five"}, {}, dmap.null, 2^53)
            """)
        let got = try #require(reports.all.first)
        #expect(got == [
            .int(1), .double(2.5), .string("s"), .bool(false), .null,
            .array([1, 2, [3]]), .object(["a": ["b": "c"], "5": "five"]), .object([:]), .null, .double(9007199254740992),
        ])
    }

    @Test("A sparse table is an object, a sequence is an array")
    func arraysAndObjects() throws {
        let reports = Reports()
        let runtime = try makeRuntime(reports: reports)
        try runtime.run(string: "report({[1] = 'a', [3] = 'c'}, {'a', 'b'}, {[1.5] = 'x'})")
        let got = try #require(reports.all.first)
        #expect(got[0] == .object(["1": "a", "3": "c"]))
        #expect(got[1] == .array(["a", "b"]))
        #expect(got[2] == .object(["1.5": "x"]))
    }

    @Test("dmap.array marks a table as an array, so that an empty one stays an array")
    func arrayMarker() throws {
        let reports = Reports()
        let runtime = try makeRuntime(reports: reports)
        try runtime.run(string: """
            report(dmap.array{}, dmap.array(), dmap.array{1, 2}, {})
            local ok, err = pcall(report, dmap.array{a = 1})
            assert(not ok and err.kind == "usage" and err.message:find("dmap.array"), tostring(err))
            """)
        #expect(reports.all.first == [.array([]), .array([]), [1, 2], .object([:])])
    }

    @Test("Values that cannot cross become usage errors naming the place")
    func unconvertible() throws {
        let runtime = try makeRuntime()
        try runtime.run(string: """
            local ok, err = pcall(report, {a = {b = {print}}})
            assert(not ok and dmap.is_error(err), "error table")
            assert(err.kind == "usage", err.kind)
            assert(err.message:find("argument #1 to 'report'.a.b%[1%]: cannot use a function", 1) , err.message)
            local t = {}; t.self = t
            ok, err = pcall(report, t)
            assert(not ok and err.message:find("nested too deeply"), tostring(err))
            """)
    }

    @Test("A reply of JSON lines decodes into the array of its messages; one document stays itself")
    func jsonLines() throws {
        let lines = Data("{\"status\":\"a\"}\r\n{\"status\":\"b\"}\r\n".utf8)
        #expect(try Value.decodeJSONOrLines(lines) == [["status": "a"], ["status": "b"]])
        #expect(try Value.decodeJSONOrLines(Data("{\"a\":[1,\n2]}\n".utf8)) == ["a": [1, 2]])
        #expect(throws: DMapError.self) { try Value.decodeJSONOrLines(Data("{oops".utf8)) }
    }

    @Test("Numbers round-trip through JSON text")
    func jsonRoundTrip() throws {
        let value: Value = ["n": 3, "f": 0.25, "s": "x/y", "a": [true, .null], "big": .int(Int64.max)]
        let decoded = try Value.decodeJSON(value.encodeJSON())
        #expect(decoded == value)
        #expect(String(decoding: Value.object(["s": "x/y"]).encodeJSON(), as: UTF8.self) == #"{"s":"x/y"}"#)
    }
}
