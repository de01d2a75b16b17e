extension IgnoreRegex {
    /// A recursive-descent parser for the RE2 subset described on `IgnoreRegex`, following Go's `regexp/syntax`
    /// rules: `{` is literal unless it starts a valid repetition, operators cannot be stacked (`a**`), and in
    /// classes `]` and `-` are literal when first, `-` before `]`, and ranges must not run backwards.
    struct Parser {
        private let text: [Unicode.Scalar]
        private var index = 0

        init(_ text: [Unicode.Scalar]) { self.text = text }

        private var peek: Unicode.Scalar? { index < text.count ? text[index] : nil }

        /// The whole expression.
        mutating func parse() throws(SyntaxError) -> Node {
            let node = try alternation()
            if index < text.count { throw SyntaxError(reason: "unexpected )") }
            return node
        }

        /// Branches separated by `|`, up to the end or to a `)`.
        private mutating func alternation() throws(SyntaxError) -> Node {
            var branches = [try concatenation()]
            while peek == "|" {
                index += 1
                branches.append(try concatenation())
            }
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        /// Atoms, each with its repetition operator, up to a `|`, a `)` or the end.
        private mutating func concatenation() throws(SyntaxError) -> Node {
            var nodes: [Node] = []
            var lastWasRepetition = false
            while let scalar = peek, scalar != "|", scalar != ")" {
                let start = index
                var bounds: (min: Int, max: Int?)?
                switch scalar {
                case "*": bounds = (0, nil)
                case "+": bounds = (1, nil)
                case "?": bounds = (0, 1)
                case "{": bounds = try repetitionBounds()
                default: break
                }
                guard let (min, max) = bounds else {
                    if scalar == "{" {
                        index += 1
                        nodes.append(.scalar("{"))  // not a repetition: a literal, as in Go
                    } else {
                        nodes.append(try atom())
                    }
                    lastWasRepetition = false
                    continue
                }
                if index == start { index += 1 }  // a one-character operator
                let operatorText = String(String.UnicodeScalarView(text[start..<index]))
                guard let last = nodes.popLast() else {
                    throw SyntaxError(reason: "missing argument to repetition operator: `\(operatorText)`")
                }
                if lastWasRepetition {
                    throw SyntaxError(reason: "invalid nested repetition operator: `\(operatorText)`")
                }
                if peek == "?" { index += 1 }  // non-greedy: the same language
                nodes.append(.repeated(last, min: min, max: max))
                lastWasRepetition = true
            }
            return nodes.count == 1 ? nodes[0] : .concatenation(nodes)
        }

        /// `{n}`, `{n,}` or `{n,m}` at the current position (consumed), or nil (nothing consumed) when the text
        /// there is not one, in which case Go takes `{` literally. Counts above 1000 are an error.
        private mutating func repetitionBounds() throws(SyntaxError) -> (min: Int, max: Int?)? {
            var cursor = index + 1
            func number() -> Int? {
                let start = cursor
                while cursor < text.count, ("0"..."9").contains(text[cursor]) { cursor += 1 }
                guard cursor > start, cursor - start == 1 || text[start] != "0" else { return nil }
                return Int(String(String.UnicodeScalarView(text[start..<cursor]))).map { Swift.min($0, 100_000) }
            }
            guard let min = number(), cursor < text.count else { return nil }
            var max: Int? = min
            if text[cursor] == "," {
                cursor += 1
                guard cursor < text.count else { return nil }
                if text[cursor] == "}" {
                    max = nil
                } else {
                    guard let upper = number() else { return nil }
                    max = upper
                }
            }
            guard cursor < text.count, text[cursor] == "}" else { return nil }
            let operatorText = String(String.UnicodeScalarView(text[index...cursor]))
            if min > 1000 || (max ?? 0) > 1000 || (max.map { $0 < min } ?? false) {
                throw SyntaxError(reason: "invalid repeat count: `\(operatorText)`")
            }
            index = cursor + 1
            return (min, max)
        }

        private mutating func atom() throws(SyntaxError) -> Node {
            let scalar = text[index]
            index += 1
            switch scalar {
            case "(":
                let inner = try alternation()
                guard peek == ")" else { throw SyntaxError(reason: "missing closing )") }
                index += 1
                return inner
            case "[": return .set(try classBody())
            case ".": return .any
            case "^": return .begin
            case "$": return .end
            case "\\":
                guard let escaped = peek else { throw SyntaxError(reason: "trailing backslash at end of expression") }
                index += 1
                switch escaped {
                case "A": return .begin
                case "z": return .end
                case "b": return .wordBoundary(true)
                case "B": return .wordBoundary(false)
                default: break
                }
                if let perl = Self.perlClass(escaped) { return .set(perl) }
                return .scalar(try escapedScalar(escaped))
            default: return .scalar(scalar)
            }
        }

        /// The inside of `[...]`, the `[` consumed.
        private mutating func classBody() throws(SyntaxError) -> ScalarSet {
            var set = ScalarSet()
            if peek == "^" {
                set.negated = true
                index += 1
            }
            var first = true
            while true {
                guard let scalar = peek else { throw SyntaxError(reason: "missing closing ]") }
                if scalar == "]" && !first {
                    index += 1
                    return set
                }
                first = false
                if scalar == "[", index + 1 < text.count, text[index + 1] == ":", let posix = try posixClass() {
                    set.ranges += posix
                    continue
                }
                if scalar == "\\", index + 1 < text.count, let perl = Self.perlClass(text[index + 1]) {
                    index += 2
                    set.ranges += perl.negated ? Self.complement(perl.ranges) : perl.ranges
                    continue
                }
                let low = try classScalar()
                var high = low
                if peek == "-", index + 1 < text.count, text[index + 1] != "]" {
                    index += 1
                    high = try classScalar()
                    if high.value < low.value { throw SyntaxError(reason: "invalid character class range") }
                }
                set.ranges.append(low.value...high.value)
            }
        }

        private mutating func classScalar() throws(SyntaxError) -> Unicode.Scalar {
            guard let scalar = peek else { throw SyntaxError(reason: "missing closing ]") }
            index += 1
            guard scalar == "\\" else { return scalar }
            guard let escaped = peek else { throw SyntaxError(reason: "trailing backslash at end of expression") }
            index += 1
            return try escapedScalar(escaped)
        }

        /// `[:name:]` (or `[:^name:]`) at the current position: its ranges, or nil when there is no `:]` at all
        /// (then `[` is an ordinary member). An unknown name is an error, as in Go.
        private mutating func posixClass() throws(SyntaxError) -> [ClosedRange<UInt32>]? {
            var end = index + 2
            while end + 1 < text.count, !(text[end] == ":" && text[end + 1] == "]") { end += 1 }
            guard end + 1 < text.count else { return nil }
            var name = String(String.UnicodeScalarView(text[(index + 2)..<end]))
            let negated = name.hasPrefix("^")
            if negated { name.removeFirst() }
            guard let ranges = Self.posixClasses[name] else {
                throw SyntaxError(reason: "invalid character class range: `[:\(negated ? "^" : "")\(name):]`")
            }
            index = end + 2
            return negated ? Self.complement(ranges) : ranges
        }

        // MARK: - Tables

        /// The scalar an escape stands for, `scalar` being the character after the `\` (already consumed): Go's
        /// `parseEscape` for octal (`\0`, `\12`), hexadecimal (`\x41`, `\x{263A}`), control letters and
        /// punctuation.
        private mutating func escapedScalar(_ scalar: Unicode.Scalar) throws(SyntaxError) -> Unicode.Scalar {
            let invalid = SyntaxError(reason: "invalid or unsupported escape sequence: `\\\(scalar)`")
            switch scalar {
            case "a": return "\u{07}"
            case "f": return "\u{0C}"
            case "t": return "\t"
            case "n": return "\n"
            case "r": return "\r"
            case "v": return "\u{0B}"
            case "0"..."7":
                // One non-zero digit alone would be a back-reference, which Go does not support.
                guard scalar == "0" || Self.octal(peek) != nil else { throw invalid }
                var value = scalar.value - 48
                for _ in 0..<2 {
                    guard let digit = Self.octal(peek) else { break }
                    value = value * 8 + digit
                    index += 1
                }
                return Unicode.Scalar(value)!
            case "x":
                var value: UInt32 = 0
                if peek == "{" {
                    index += 1
                    var digits = 0
                    while let next = peek, next != "}" {
                        guard let digit = Self.hex(next), value <= 0x10FFFF else { throw invalid }
                        value = value * 16 + digit
                        digits += 1
                        index += 1
                    }
                    guard peek == "}", digits > 0 else { throw invalid }
                    index += 1
                } else {
                    for _ in 0..<2 {
                        guard let digit = Self.hex(peek) else { throw invalid }
                        value = value * 16 + digit
                        index += 1
                    }
                }
                guard let result = Unicode.Scalar(value) else { throw invalid }
                return result
            default:
                let isAlphanumeric =
                    ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                if scalar.isASCII && !isAlphanumeric { return scalar }
                throw invalid
            }
        }

        private static func octal(_ scalar: Unicode.Scalar?) -> UInt32? {
            guard let scalar, ("0"..."7").contains(scalar) else { return nil }
            return scalar.value - 48
        }

        private static func hex(_ scalar: Unicode.Scalar?) -> UInt32? {
            guard let scalar, scalar.properties.isASCIIHexDigit else { return nil }
            return UInt32(String(scalar), radix: 16)
        }

        private static func perlClass(_ scalar: Unicode.Scalar) -> ScalarSet? {
            let ranges: [ClosedRange<UInt32>]
            switch scalar {
            case "d", "D": ranges = posixClasses["digit"]!
            case "s", "S": ranges = [9...10, 12...13, 32...32]
            case "w", "W": ranges = posixClasses["word"]!
            default: return nil
            }
            return ScalarSet(ranges: ranges, negated: scalar.properties.isUppercase)
        }

        private static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var out: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
                next = max(next, range.upperBound + 1)
            }
            if next <= 0x10FFFF { out.append(next...0x10FFFF) }
            return out
        }

        private static let posixClasses: [String: [ClosedRange<UInt32>]] = [
            "alnum": [48...57, 65...90, 97...122],
            "alpha": [65...90, 97...122],
            "ascii": [0...127],
            "blank": [9...9, 32...32],
            "cntrl": [0...31, 127...127],
            "digit": [48...57],
            "graph": [33...126],
            "lower": [97...122],
            "print": [32...126],
            "punct": [33...47, 58...64, 91...96, 123...126],
            "space": [9...13, 32...32],
            "upper": [65...90],
            "word": [48...57, 65...90, 95...95, 97...122],
            "xdigit": [48...57, 65...70, 97...102],
        ]
    }
}
