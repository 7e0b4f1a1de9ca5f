import Testing

@testable import Positioning

/// The grid update's exponential four cells at a time must give each cell the bits the scalar
/// one gives it: a replay's positions are compared byte for byte.
@Suite struct GridExponentialTests {
    /// Arguments that stress the rounding: whole and half multiples of ln 2 and their
    /// neighbours, zero, the cut-off at −700, and a spread of ordinary losses.
    static var arguments: [Double] {
        let ln2 = 0.6931471805599453
        var xs: [Double] = [0, -0.0, -700, -700.0.nextUp, -700.0.nextDown, -745, -1e-300, -Double.leastNonzeroMagnitude]
        for k in 0...1_000 {
            let x = -Double(k) * ln2 / 2
            xs += [x, x.nextUp, x.nextDown]
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            xs.append(-Double(state >> 11) / Double(1 << 53) * 720)
        }
        return xs.filter { $0 <= 0 }
    }

    @Test func fourAtATimeGiveTheBitsOfOneAtATime() {
        // Padded with zeros to whole vectors, so every argument is checked.
        var xs = Self.arguments
        xs += Array(repeating: 0, count: (4 - xs.count % 4) % 4)
        var mismatches: [Double] = []
        var i = 0
        while i + 4 <= xs.count {
            let v = SIMD4(xs[i], xs[i + 1], xs[i + 2], xs[i + 3])
            let four = GridFilter.exponential4(v)
            for lane in 0..<4 where four[lane].bitPattern != GridFilter.exponential(v[lane]).bitPattern {
                mismatches.append(v[lane])
            }
            i += 4
        }
        #expect(i > 20_000)
        #expect(mismatches.isEmpty, "differ at \(mismatches.prefix(5))")
    }
}
