import Foundation

/// xoshiro256** seeded by SplitMix64: the same seed gives the same store on every machine,
/// which `Double.random` (seeded from the system) cannot.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// A generator for a sub-stream (a person, a sensor), independent of how many numbers the
    /// parent has drawn, so adding a shopper does not change the radio of the others.
    public func derived(_ label: UInt64) -> RandomSource {
        RandomSource(seed: s.0 ^ (label &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) <<< 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 <<< 45
        return result
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }

    /// Standard normal by Box–Muller.
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    /// Exponential with the given mean (inter-arrival times of a Poisson process).
    public mutating func exponential(mean: Double) -> Double { -mean * log(max(1 - unit(), 1e-300)) }

    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

infix operator <<< : BitwiseShiftPrecedence
@inline(__always) private func <<< (x: UInt64, k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
