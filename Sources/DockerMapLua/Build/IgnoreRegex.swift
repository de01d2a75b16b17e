/// The part of Go's RE2 regular-expression syntax that moby's `.dockerignore` pattern compiler can produce, parsed
/// and run as a small Pike VM over Unicode scalars (Go matches runes).
///
/// moby turns a pattern into a regular expression and tests paths with Go's `regexp.MatchString`; running the same
/// expression here gives the same answers, odd corners included: a `*` inside `[...]`, `^` as an anchor, `\d`, and
/// `|`, `{` and `}`, which moby means to escape but does not (its escape table only works below code 64), so that
/// `a|b*` is an alternation and `x{2}*` a repetition. Like `MatchString`, a match may start anywhere: the expression
/// carries its own `^` and `$`, which a top-level `|` splits between its branches.
///
/// Supported: literals, `.` (anything but a newline), `^`, `$`, groups, `|`, `*`, `+`, `?`, `{n}`, `{n,}`,
/// `{n,m}`, classes (ranges, `^` negation, POSIX `[:name:]`, `\d \s \w` and their negations), the assertions
/// `\A \z \b \B`, and escapes of punctuation, of `\a \f \t \n \r \v`, octal and hexadecimal. Unicode classes (`\pL`)
/// and `\Q…\E` are reported as unsupported, and so are invalid expressions, which moby reports only when it first
/// matches a path against the pattern.
struct IgnoreRegex: Sendable {
    /// A failure to parse, with Go's wording where there is one.
    struct SyntaxError: Error { let reason: String }

    /// A set of scalars: ranges, possibly negated.
    struct ScalarSet: Sendable {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(scalar.value) } != negated
        }
    }

    enum Instruction: Sendable {
        case scalar(Unicode.Scalar)
        /// A class, by its index in `sets`.
        case set(Int)
        case anyButNewline
        case split(Int, Int)
        case jump(Int)
        case begin
        case end
        /// `\b` (true) or `\B` (false): between an ASCII word character and a non-word one (or the text's edge).
        case wordBoundary(Bool)
        case match
    }

    /// The largest program accepted (Go refuses large repetitions too, with its own limits).
    static let maximumProgramSize = 100_000

    let program: [Instruction]
    let sets: [ScalarSet]
    /// Whether every match must start at the beginning of the text (each branch begins with `^`).
    let anchored: Bool
    /// Scalars every match must start with (after a leading `^`): a quick test before running the program.
    let requiredPrefix: [Unicode.Scalar]
    /// Scalars every match must end with (before a final `$`): another quick test.
    let requiredSuffix: [Unicode.Scalar]

    init(_ source: String) throws(SyntaxError) {
        var parser = Parser(Array(source.unicodeScalars))
        let tree = try parser.parse()
        var program: [Instruction] = []
        var sets: [ScalarSet] = []
        try Self.emit(tree, into: &program, sets: &sets)
        program.append(.match)
        self.program = program
        self.sets = sets
        anchored = Self.startsAnchored(program)
        (requiredPrefix, requiredSuffix) = Self.literalEnds(program)
    }

    /// Whether the expression matches somewhere in `input`, as `regexp.MatchString` does.
    func matches(_ input: [Unicode.Scalar]) -> Bool {
        guard input.starts(with: requiredPrefix), input.reversed().starts(with: requiredSuffix.reversed()) else {
            return false
        }
        var machine = Machine(self, input: input, atEnd: true)
        machine.start()
        for scalar in input {
            if machine.matched { return true }
            machine.step(over: scalar)
            if !anchored {
                machine.start()
            } else if machine.isDead {
                return false
            }
        }
        return machine.matched
    }

    /// Whether some text that starts with `prefix` and goes on after it could match: a conservative answer, true
    /// when unsure.
    func canContinue(after prefix: [Unicode.Scalar]) -> Bool {
        if !anchored { return true }
        if !prefix.starts(with: requiredPrefix) && !requiredPrefix.starts(with: prefix) { return false }
        var machine = Machine(self, input: prefix, atEnd: false)
        machine.start()
        for scalar in prefix {
            if machine.matched { return true }
            machine.step(over: scalar)
            if machine.isDead { return false }
        }
        return true
    }

    // MARK: - VM

    /// A Pike VM over one input: the live threads (consuming instructions, or `match`) at the current position,
    /// with scratch space kept between steps.
    private struct Machine {
        let regex: IgnoreRegex
        let input: [Unicode.Scalar]
        /// With `atEnd` false the text goes on after `input`: `$` never holds, and `\b` or `\B` at the end of
        /// `input` is assumed to.
        let atEnd: Bool
        private(set) var position = 0
        private var current: [Int] = []
        private var next: [Int] = []
        private var stack: [Int] = []
        /// The generation (one per position) in which each instruction was last reached.
        private var seen: [Int]
        private var generation = 1
        private(set) var matched = false

        init(_ regex: IgnoreRegex, input: [Unicode.Scalar], atEnd: Bool) {
            self.regex = regex
            self.input = input
            self.atEnd = atEnd
            seen = [Int](repeating: 0, count: regex.program.count)
        }

        var isDead: Bool { current.isEmpty }

        /// Starts a thread at the beginning of the program, at the current position.
        mutating func start() { follow(0) }

        /// Advances every thread over `scalar`.
        mutating func step(over scalar: Unicode.Scalar) {
            next.removeAll(keepingCapacity: true)
            for pc in current {
                switch regex.program[pc] {
                case .scalar(let expected): if expected == scalar { next.append(pc + 1) }
                case .set(let index): if regex.sets[index].contains(scalar) { next.append(pc + 1) }
                case .anyButNewline: if scalar != "\n" { next.append(pc + 1) }
                default: break
                }
            }
            current.removeAll(keepingCapacity: true)
            position += 1
            generation += 1
            for pc in next { follow(pc) }
        }

        /// Adds the threads reached from `pc` through jumps, splits and assertions.
        private mutating func follow(_ pc: Int) {
            stack.append(pc)
            while let pc = stack.popLast() {
                if seen[pc] == generation { continue }
                seen[pc] = generation
                switch regex.program[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .begin: if position == 0 { stack.append(pc + 1) }
                case .end: if atEnd && position == input.count { stack.append(pc + 1) }
                case .wordBoundary(let wanted):
                    let before = position > 0 && IgnoreRegex.isWordScalar(input[position - 1])
                    let after = position < input.count && IgnoreRegex.isWordScalar(input[position])
                    if (before != after) == wanted || (!atEnd && position == input.count) {
                        stack.append(pc + 1)
                    }
                case .match:
                    matched = true
                    current.append(pc)
                case .scalar, .set, .anyButNewline:
                    current.append(pc)
                }
            }
        }
    }

    // MARK: - Analysis

    /// Whether no path from the start reaches a consuming instruction or `match` without passing a `^`.
    private static func startsAnchored(_ program: [Instruction]) -> Bool {
        var seen = [Bool](repeating: false, count: program.count)
        var stack = [0]
        while let pc = stack.popLast() {
            if seen[pc] { continue }
            seen[pc] = true
            switch program[pc] {
            case .begin: continue
            case .jump(let target): stack.append(target)
            case .split(let first, let second): stack.append(contentsOf: [first, second])
            case .end, .wordBoundary: stack.append(pc + 1)
            case .scalar, .set, .anyButNewline, .match: return false
            }
        }
        return true
    }

    /// The literal scalars right after a leading `^` and right before a final `$`, where nothing can jump into
    /// them (nor to that `$`): every match starts, or ends, with them.
    private static func literalEnds(_ program: [Instruction]) -> ([Unicode.Scalar], [Unicode.Scalar]) {
        let targets = Set(
            program.flatMap { instruction -> [Int] in
                switch instruction {
                case .jump(let target): return [target]
                case .split(let first, let second): return [first, second]
                default: return []
                }
            })
        var prefix: [Unicode.Scalar] = []
        if case .begin = program[0] {
            var pc = 1
            while pc < program.count, !targets.contains(pc), case .scalar(let scalar) = program[pc] {
                prefix.append(scalar)
                pc += 1
            }
        }
        var suffix: [Unicode.Scalar] = []
        let endPC = program.count - 2
        if endPC > 0, case .end = program[endPC], !targets.contains(endPC), !targets.contains(endPC + 1) {
            var pc = endPC - 1
            while pc > 0, case .scalar(let scalar) = program[pc] {
                suffix.insert(scalar, at: 0)
                if targets.contains(pc) { break }
                pc -= 1
            }
        }
        return (prefix, suffix)
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    // MARK: - Compilation

    indirect enum Node {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case any
        case begin
        case end
        case wordBoundary(Bool)
        case concatenation([Node])
        case alternation([Node])
        /// `min` to `max` (nil: unbounded) repetitions.
        case repeated(Node, min: Int, max: Int?)
    }

    private static func emit(
        _ node: Node, into program: inout [Instruction], sets: inout [ScalarSet]
    ) throws(SyntaxError) {
        guard program.count <= maximumProgramSize else { throw SyntaxError(reason: "expression too large") }
        switch node {
        case .scalar(let s): program.append(.scalar(s))
        case .set(let set):
            program.append(.set(sets.count))
            sets.append(set)
        case .any: program.append(.anyButNewline)
        case .begin: program.append(.begin)
        case .end: program.append(.end)
        case .wordBoundary(let wanted): program.append(.wordBoundary(wanted))
        case .concatenation(let nodes):
            for node in nodes { try emit(node, into: &program, sets: &sets) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index == branches.count - 1 {
                    try emit(branch, into: &program, sets: &sets)
                } else {
                    let split = program.count
                    program.append(.jump(0))
                    try emit(branch, into: &program, sets: &sets)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeated(let inner, let min, let max):
            for _ in 0..<min { try emit(inner, into: &program, sets: &sets) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.jump(0))
                    try emit(inner, into: &program, sets: &sets)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let split = program.count
                program.append(.jump(0))
                try emit(inner, into: &program, sets: &sets)
                program.append(.jump(split))
                program[split] = .split(split + 1, program.count)
            }
        }
    }
}
