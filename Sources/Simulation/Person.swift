import FootfallCore

/// Someone the simulator walks through (or past) the store, with the phone they carry.
public struct Person: Sendable {
    public enum Role: String, Sendable {
        case shopper, passerBy = "passer-by", staff
    }

    /// Where the phone is carried, which decides how much the body shadows it.
    public enum Carry: String, Sendable, CaseIterable {
        case hand, pocket, bag

        /// Loss (dB) when the body is fully between phone and sensor.
        var bodyLoss: Double {
            switch self {
            case .hand: 2
            case .pocket: 7
            case .bag: 10
            }
        }
    }

    public var index: Int
    public var role: Role
    public var trajectory: Trajectory
    public var carry: Carry
    /// The phone's transmit power relative to a typical phone (dB); phones differ by up to ±8 dB.
    public var txOffset: Double
    /// Mean advertising interval (s).
    public var advertisingInterval: Double
    public var identity: Identity

    /// What the phone advertises as: a stable id (a loyalty app's beacon, a staff badge) or a
    /// resolvable private address that rotates.
    public enum Identity: Sendable {
        case stable(DeviceID, txPower: Int?)
        case rotating(seed: UInt64, period: Double, phase: Double)
    }

    /// The device id heard at `time`.
    public func device(at time: Double) -> DeviceID {
        switch identity {
        case .stable(let id, _):
            return id
        case .rotating(let seed, let period, let phase):
            let epoch = UInt64(max(0, ((time - phase) / period).rounded(.down)))
            var random = RandomSource(seed: seed ^ (epoch &* 0x2545_F491_4F6C_DD1D))
            // A resolvable private address: the two top bits of the first octet are 01.
            var octets = (0..<6).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            octets[0] = (octets[0] & 0x3F) | 0x40
            return DeviceID("ble-rpa:" + octets.map { hex($0) }.joined(separator: ":"))
        }
    }

    public var txPower: Int? {
        if case .stable(_, let tx) = identity { return tx }
        return nil
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
