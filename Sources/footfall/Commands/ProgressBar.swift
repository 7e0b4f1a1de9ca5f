import Foundation

/// Whether standard error is a terminal (progress bars are drawn only there).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

/// A progress bar on standard error, redrawn in place, for terminals only.
struct ProgressBar {
    let label: String
    let enabled: Bool
    private var lastPercent = -1

    init(label: String, enabled: Bool = standardErrorIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    mutating func update(_ fraction: Double) {
        guard enabled else { return }
        let percent = Int((fraction * 100).rounded(.down))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = min(width, percent * width / 100)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)%".utf8))
        if percent >= 100 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
