import FootfallCore
import Foundation

/// Readings per sensor as they arrive: redrawn in place on a terminal, printed once otherwise.
struct CalibrateLiveTable {
    let sensors: [SensorID]
    let live: Bool
    private var counts: [SensorID: Int] = [:]
    private var sums: [SensorID: Double] = [:]
    private var last: [SensorID: Double] = [:]
    private var drawn = false
    private var lastDraw = -Double.infinity

    init(sensors: [SensorID], live: Bool) {
        self.sensors = sensors
        self.live = live
    }

    mutating func add(_ o: Observation) {
        counts[o.sensor, default: 0] += 1
        sums[o.sensor, default: 0] += o.rssi
        last[o.sensor] = o.rssi
        // Redraw at most once per second of the source's time.
        if live, o.time - lastDraw >= 1 {
            lastDraw = o.time
            draw()
        }
    }

    mutating func finish() { draw() }

    private mutating func draw() {
        var lines = ["sensor        samples  mean dBm  last dBm"]
        for s in sensors {
            let n = counts[s] ?? 0
            let mean = n > 0 ? String(format: "%.1f", sums[s]! / Double(n)) : "–"
            let latest = last[s].map { String(format: "%.0f", $0) } ?? "–"
            lines.append(
                s.rawValue.padding(toLength: max(12, s.rawValue.count), withPad: " ", startingAt: 0)
                    + "  " + pad(String(n), 7) + "  " + pad(mean, 8) + "  " + pad(latest, 8))
        }
        // On a terminal, move back up over the previous drawing and overwrite it.
        var text = live && drawn ? "\u{1B}[\(lines.count)A" : ""
        for line in lines { text += (live ? "\u{1B}[2K" : "") + line + "\n" }
        print(text, terminator: "")
        drawn = true
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
