/// The dBm signal of each antenna chain: the (antenna, signal) pairs of every radiotap
/// namespace that carries both, in header order (Linux drivers report the combined signal in
/// the first namespace, then one namespace per chain). Stored inline, up to eight chains, so
/// a decoded header needs no allocation.
public struct AntennaSignals: RandomAccessCollection, Hashable, Sendable {
    public struct Chain: Hashable, Sendable {
        public var antenna: UInt8
        /// dBm.
        public var signal: Int8
        public init(antenna: UInt8, signal: Int8) { self.antenna = antenna; self.signal = signal }
    }

    public static let capacity = 8
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    public private(set) var count = 0

    public init() {}

    public init(_ chains: [Chain]) { chains.forEach { append($0) } }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Chain {
        precondition(position >= 0 && position < count, "antenna chain index out of range")
        let word = position < 4 ? low : high
        let bits = UInt16(truncatingIfNeeded: word >> UInt64(16 * (position & 3)))
        return Chain(antenna: UInt8(truncatingIfNeeded: bits >> 8), signal: Int8(bitPattern: UInt8(truncatingIfNeeded: bits)))
    }

    /// Appends a chain; beyond `capacity` chains the rest are dropped.
    public mutating func append(_ chain: Chain) {
        guard count < Self.capacity else { return }
        let bits = UInt64(chain.antenna) << 8 | UInt64(UInt8(bitPattern: chain.signal))
        let shift = UInt64(16 * (count & 3))
        if count < 4 { low |= bits << shift } else { high |= bits << shift }
        count += 1
    }

    /// The strongest chain's signal, the figure to use when the combined one is missing.
    public var strongest: Int8? {
        var best: Int8?
        for chain in self where best.map({ chain.signal > $0 }) ?? true { best = chain.signal }
        return best
    }
}
