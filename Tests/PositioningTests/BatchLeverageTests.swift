import FootfallCore
import FootfallTesting
import Testing

@testable import Positioning

/// `BatchLeverage`: the share of a reading's deviation that its batch's fit takes up, so that
/// the sensor gains are learnt from what a fit without the reading would have left.
@Suite struct BatchLeverageTests {
    /// The ridge-regularised fit of `rows` to `levels` with the priors `BatchLeverage` puts on
    /// the diagonal (centred on 0), solved directly.
    static func fit(_ rows: [SIMD4<Double>], _ levels: [Double], ridge: SIMD4<Double>) -> SIMD4<Double> {
        var a = SIMD16<Double>()
        var b = SIMD4<Double>()
        for (r, y) in zip(rows, levels) {
            for i in 0..<4 {
                b[i] += r[i] * y
                for j in 0..<4 { a[i * 4 + j] += r[i] * r[j] }
            }
        }
        for i in 0..<4 { a[i * 4 + i] += ridge[i] }
        let inverse = BatchLeverage.invert(a)!
        var theta = SIMD4<Double>()
        for i in 0..<4 { for j in 0..<4 { theta[i] += inverse[i * 4 + j] * b[j] } }
        return theta
    }

    /// Five sensors of a 20 × 12 m store hear a phone at (7, 5); their design rows.
    static func rows(sloped: Bool) -> [SIMD4<Double>] {
        let sensors = [Point3(x: 2, y: 3, z: 2.8), Point3(x: 10, y: 3, z: 2.8), Point3(x: 18, y: 3, z: 2.8), Point3(x: 2, y: 9, z: 2.8), Point3(x: 10, y: 9, z: 2.8)]
        return sensors.map {
            BatchLeverage.row(sensor: $0, model: PathLoss(rssiAt1m: -59, exponent: 2.2), at: Point(x: 7, y: 5), deviceHeight: 1.2, sloped: sloped)
        }
    }

    /// The regression identity the gains rely on: a reading's residual against the fit of all
    /// the readings, over (1 − h), is its residual against the fit made without it.
    @Test(arguments: [false, true])
    func theResidualOverOneLessTheLeverageIsTheResidualOfTheFitWithoutTheReading(sloped: Bool) throws {
        let rows = Self.rows(sloped: sloped)
        let noise = 5.0, offsetSpread = 8.0, slopePrecision = 1 / (0.6 * 0.6)
        let ridge = SIMD4(
            noise * noise / (BatchLeverage.positionSpread * BatchLeverage.positionSpread),
            noise * noise / (BatchLeverage.positionSpread * BatchLeverage.positionSpread),
            noise * noise / (offsetSpread * offsetSpread), sloped ? noise * noise * slopePrecision : 1)
        var leverages: [Double] = []
        BatchLeverage.leverages(
            rows: rows, learning: rows.indices, noise: noise, offsetSpread: offsetSpread, slopePrecision: sloped ? slopePrecision : nil,
            into: &leverages)
        #expect(leverages.count == rows.count)
        // Deviations of the readings from the map: one sensor 6 dB hot, the others a little off.
        let levels = [1.5, 6.0, -2.0, 0.5, -1.0]
        let all = Self.fit(rows, levels, ridge: ridge)
        for i in rows.indices {
            let residual = levels[i] - (rows[i] * all).sum()
            var others = rows, otherLevels = levels
            others.remove(at: i)
            otherLevels.remove(at: i)
            let without = Self.fit(others, otherLevels, ridge: ridge)
            let left = levels[i] - (rows[i] * without).sum()
            #expect(leverages[i] > 0 && leverages[i] < BatchLeverage.maximum)
            #expect(abs(residual / (1 - leverages[i]) - left) < 1e-9, "reading \(i): \(residual / (1 - leverages[i])) against \(left)")
        }
        // The hot sensor's residual against the fit of all shows less than the fit without it.
        let hot = levels[1] - (rows[1] * all).sum()
        #expect(hot < 0.8 * (hot / (1 - leverages[1])))
    }

    /// Two readings cannot place a phone, fit its offset and say anything of either sensor:
    /// their leverage is the most taken.
    @Test func aBatchHeardByTwoSensorsTakesUpAsMuchAsIsTaken() {
        let rows = Array(Self.rows(sloped: false).prefix(2))
        var leverages: [Double] = []
        BatchLeverage.leverages(rows: rows, learning: [0, 1], noise: 5, offsetSpread: 8, slopePrecision: nil, into: &leverages)
        #expect(leverages == [BatchLeverage.maximum, BatchLeverage.maximum])
    }

    @Test func aSingularMatrixHasNoInverse() {
        #expect(BatchLeverage.invert(SIMD16<Double>()) == nil)
        var identity = SIMD16<Double>()
        for i in 0..<4 { identity[i * 4 + i] = 2 }
        #expect(BatchLeverage.invert(identity).map { $0[0] == 0.5 && $0[5] == 0.5 && $0[1] == 0 } == true)
    }
}
