import DockerMapLua
import Foundation
import NIOConcurrencyHelpers

/// Live per-layer progress on a terminal, as the docker CLI shows it: one line per layer, redrawn in place.
/// Log lines written meanwhile (through `PlainLogHandler`) start a new block below them.
final class TerminalProgress: ProgressSink {
    private struct State {
        var order: [String] = []
        var lines: [String: String] = [:]
        /// How many lines of the current block are on screen.
        var drawn = 0
    }

    private let state = NIOLockedValueBox(State())
    private let width: Int

    init() {
        var size = winsize()
        width = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 20 ? Int(size.ws_col) : 80
    }

    func update(status: String, id: String, detail: Value?) {
        let text = Self.line(id: id, status: status, detail: detail, width: width)
        let output = state.withLockedValue { s -> String in
            if s.lines[id] == nil { s.order.append(id) }
            s.lines[id] = text
            // Move up over the block drawn before, then redraw every line of it.
            var out = s.drawn > 0 ? "\u{1B}[\(s.drawn)A" : ""
            for key in s.order { out += "\u{1B}[2K\r" + (s.lines[key] ?? "") + "\n" }
            s.drawn = s.order.count
            return out
        }
        FileHandle.standardError.write(Data(output.utf8))
    }

    /// Forget the block: what comes next is drawn below it.
    func end() {
        state.withLockedValue { $0 = State() }
    }

    static func line(id: String, status: String, detail: Value?, width: Int) -> String {
        var text = "\(id): \(status)"
        if let current = detail?["current"]?.intValue, let total = detail?["total"]?.intValue, total > 0 {
            let barWidth = 30
            let filled = min(barWidth, Int(Double(current) / Double(total) * Double(barWidth)))
            let bar = String(repeating: "=", count: filled) + (filled < barWidth ? ">" : "")
                + String(repeating: " ", count: max(0, barWidth - filled - 1))
            text += " [\(bar)] \(bytes(current))/\(bytes(total))"
        }
        return String(text.prefix(width - 1))
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(n)B" : String(format: "%.1f%@", value, units[unit])
    }
}
