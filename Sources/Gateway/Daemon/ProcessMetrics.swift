import FootfallCore
import Foundation

/// The process metrics every Prometheus exporter has (client_golang's names): CPU time,
/// memory, file descriptors and start time, read from /proc at each scrape. Empty where /proc
/// is not Linux's.
enum ProcessMetrics {
    static func text() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let fields = fieldsAfterCommand(stat), fields.count > 21 else { return "" }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // proc(5): fields 14 utime and 15 stime (clock ticks), 22 starttime (ticks after boot),
        // 23 vsize (bytes), 24 rss (pages); `fields` starts at field 3, state.
        let cpu = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ value: Double) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(DelimitedField.number(value))")
        }
        metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu)
        metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", (Double(fields[21]) ?? 0) * pageSize)
        metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", Double(fields[20]) ?? 0)
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            metric("process_open_fds", "gauge", "Number of open file descriptors.", Double(descriptors.count))
        }
        if let limit = maxOpenFiles() {
            metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", limit)
        }
        if let boot = bootTime() {
            metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", boot + (Double(fields[19]) ?? 0) / ticks)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields after `pid (comm)`: the command may hold spaces and parentheses, so the
    /// split starts after the last ')'.
    static func fieldsAfterCommand(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    /// `btime` of /proc/stat: when the machine booted, in seconds since the epoch.
    static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
    }

    /// The soft limit of `Max open files` in /proc/self/limits.
    static func maxOpenFiles() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/limits", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else { return nil }
        return line.dropFirst("Max open files".count).split(separator: " ").first.flatMap { Double($0) }
    }
}
