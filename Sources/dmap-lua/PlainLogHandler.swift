import Foundation
import Logging
import NIOConcurrencyHelpers

/// Log lines for people at a terminal: the message alone at `info`, `level: message` otherwise, on stderr.
struct PlainLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    /// The live progress display, if any: a log line ends its current block.
    static let progress = NIOLockedValueBox<TerminalProgress?>(nil)

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Self.progress.withLockedValue { $0 }?.end()
        let text = event.level == .info ? "\(event.message)\n" : "\(event.level): \(event.message)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
