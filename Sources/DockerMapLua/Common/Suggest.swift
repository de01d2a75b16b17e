/// "Did you mean …?" for unknown names.
enum Suggest {
    /// The candidate nearest to `name` by edit distance, if it is near enough to be a likely typo.
    static func nearest(_ name: String, _ candidates: some Sequence<String>) -> String? {
        // A name that is the start of exactly one candidate (`ipv4` for `ipv4_address`) means that one.
        let extended = candidates.filter { name.count >= 3 && $0.hasPrefix(name + "_") }
        if extended.count == 1 { return extended[0] }
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }

    /// ` (did you mean 'x'?)`, or nothing.
    static func hint(_ name: String, _ candidates: some Sequence<String>) -> String {
        nearest(name, candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edit distance counting a swap of two neighbouring characters as one edit (optimal string alignment), so
    /// that `wbe` is nearer `web` than `db`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
