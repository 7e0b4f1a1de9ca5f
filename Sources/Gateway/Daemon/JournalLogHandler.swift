import Foundation
import Logging
import Synchronization

/// The daemon's log lines when systemd's journal takes its standard output (`JOURNAL_STREAM`,
/// as under footfall.service): each line begins with its syslog priority, `<4>` for a warning
/// (sd-daemon(3)), so `journalctl -p warning` finds the warnings and the critical lines, and
/// carries no time of its own (the journal stamps each line). Elsewhere swift-log's own lines.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Lines are written whole, one writer at a time.
    private static let output = Mutex(())

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.line(level: event.level, label: label, message: "\(event.message)", metadata: merged, source: event.source)
        Self.output.withLock { _ in Self.emit(line) }
    }

    /// Writes the line whole to standard output, interrupted or in parts; a failure (the
    /// journal's stream gone: systemd ignores SIGPIPE for its services) loses the line, never
    /// the daemon, as swift-log's own handler does.
    static func emit(_ line: String) {
        var bytes = Array(line.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written > 0 {
                bytes = bytes.dropFirst(written)
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// One line: `<priority>level label: key=value … [source] message`.
    public static func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, source: String) -> String {
        let fields = metadata.isEmpty ? "" : " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // One journal entry a line: what breaks a line (a message or a value of several lines,
        // a reason quoted from a peer) is a space, so that no part of it begins an entry of its
        // own, with a priority it chose.
        let text = "\(level) \(label):\(fields) [\(source)] \(message)".map { $0.isNewline || $0 == "\0" ? " " : $0 }
        return "<\(priority(level))>\(String(text))\n"
    }

    /// syslog's priorities: debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Whether standard output is the journal's stream: `JOURNAL_STREAM` names its device and
    /// inode (systemd.exec(5)), checked against standard output itself, so that a shell the
    /// service started, whose output goes elsewhere, is not taken for it.
    public static func standardOutputIsTheJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
