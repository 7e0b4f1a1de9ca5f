import FootfallCore
import Foundation

/// The fingerprint: each sensor's expected RSSI at each grid cell.
///
/// Without a survey the map is the path-loss model. With one, each cell is a kernel-weighted
/// mean of the survey readings around it, shrunk towards the model fitted to that survey
/// (a Gaussian-process-like posterior mean with the model as prior mean):
///
///     μ(c) = (Σₖ wₖ · rssiₖ + w₀ · model(c)) / (Σₖ wₖ + w₀),   wₖ = exp(−|c − pₖ|² / 2h²)
///
/// so dense survey areas follow the measurements (walls, furniture, antenna patterns) and
/// sparse ones fall back to physics instead of to noise.
struct RadioMap: Sendable {
    let grid: Grid
    let sensorCount: Int
    /// Expected RSSI, `slot * sensorCount + sensor`.
    let expected: [Double]

    /// A survey reading reduced to what the map needs.
    struct Sample: Sendable {
        var sensor: Int
        var point: Point
        var rssi: Double
    }

    init(
        grid: Grid, sensors: [Sensor], models: [PathLossModel], deviceHeight: Double,
        survey: [Sample] = [], bandwidth: Double = 0.5, priorWeight: Double = 3
    ) {
        self.grid = grid
        let sensorCount = sensors.count
        self.sensorCount = sensorCount
        var expected = [Double](repeating: 0, count: grid.count * sensorCount)
        for slot in 0..<grid.count {
            let centre = grid.centre(slot: slot)
            for (s, sensor) in sensors.enumerated() {
                let d = sensor.position.distance(to: centre, height: deviceHeight)
                expected[slot * sensorCount + s] = models[s].expectedRSSI(atDistance: d)
            }
        }
        if !survey.isEmpty {
            // Slot of each dense cell, to visit only the cells within 3h of each sample.
            var slotOfCell = [Int](repeating: -1, count: grid.columns * grid.rows)
            for (slot, cell) in grid.cells.enumerated() { slotOfCell[cell] = slot }
            var sums = [Double](repeating: 0, count: expected.count)
            var weights = [Double](repeating: 0, count: expected.count)
            let h = max(bandwidth, 0.05)
            let reach = Int((3 * h / grid.step).rounded(.up))
            for sample in survey where sample.sensor >= 0 && sample.sensor < sensorCount {
                let (column, row) = grid.cellCoordinates(of: sample.point)
                let rowLow = max(row - reach, 0), rowHigh = min(row + reach + 1, grid.rows)
                let columnLow = max(column - reach, 0), columnHigh = min(column + reach + 1, grid.columns)
                guard rowLow < rowHigh, columnLow < columnHigh else { continue }
                let rowRange = rowLow..<rowHigh
                let columnRange = columnLow..<columnHigh
                for r in rowRange {
                    for c in columnRange {
                        let slot = slotOfCell[r * grid.columns + c]
                        guard slot >= 0 else { continue }
                        let dx = grid.centresX[slot] - sample.point.x
                        let dy = grid.centresY[slot] - sample.point.y
                        let w = exp(-(dx * dx + dy * dy) / (2 * h * h))
                        sums[slot * sensorCount + sample.sensor] += w * sample.rssi
                        weights[slot * sensorCount + sample.sensor] += w
                    }
                }
            }
            for i in expected.indices where weights[i] + priorWeight > 0 {
                expected[i] = (sums[i] + priorWeight * expected[i]) / (weights[i] + priorWeight)
            }
        }
        self.expected = expected
    }
}
