/// Python's `shlex.split` (POSIX mode, no comments), which docker-py applies to a command given as one string:
/// words split at blanks, `'…'` taken literally, `"…"` with `\"` and `\\` escaped, a backslash outside quotes
/// escaping any character; quoted parts join the word around them, and `''` is an empty word.
enum ShellWords {
    struct SplitError: Error, Sendable {
        let message: String
    }

    static func split(_ text: String) throws(SplitError) -> [String] {
        let blanks: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"", c == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" {
                    word.append(scalars[i + 1])
                    i += 1
                } else {
                    word.append(c)
                }
            } else if c == "\\" {
                guard i + 1 < scalars.count else {
                    throw SplitError(message: "no escaped character after the last backslash")
                }
                word.append(scalars[i + 1])
                inWord = true
                i += 1
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if blanks.contains(c) {
                if inWord {
                    words.append(String(word))
                    word = String.UnicodeScalarView()
                    inWord = false
                }
            } else {
                word.append(c)
                inWord = true
            }
            i += 1
        }
        if quote != nil { throw SplitError(message: "no closing quotation") }
        if inWord { words.append(String(word)) }
        return words
    }
}
