import FootfallCore
import Foundation

/// The radio channel between a phone and a ceiling sensor, made to look like real recordings:
/// log-distance path loss per sensor, spatially correlated shadowing, fast fading, the phone's
/// own transmit offset, body loss by carrying position, distance-dependent packet loss and a
/// receiver sensitivity floor.
public struct RadioModel: Sendable {
    public struct Parameters: Hashable, Sendable {
        /// Standard deviation of the static, spatially correlated shadowing (dB).
        public var staticShadowingSD = 3.0
        /// Correlation length of the static shadowing field (m).
        public var staticCorrelation = 3.0
        /// Standard deviation of the per-link shadowing that evolves as the phone moves (dB).
        public var movingShadowingSD = 2.0
        /// Gudmundson decorrelation distance of the moving shadowing (m).
        public var gudmundsonDistance = 2.0
        /// Rician K-factor of the fast fading (linear); a strong line of sight from the ceiling.
        public var ricianK = 4.0
        /// Receiver sensitivity (dBm): weaker packets are not heard.
        public var sensitivity = -96.0
        /// Packets lost even at close range (collisions, scan-window gaps).
        public var baseLoss = 0.15
        /// Scale of the body's loss for every carrying position (1: hand 2 dB, pocket 7 dB,
        /// bag 10 dB when the body is fully in the way; 0: no body loss).
        public var bodyLossScale = 1.0
        /// Loss (dB) of every packet from a phone outside the store's outline: its sensors are
        /// inside, behind the storefront's glass or the outer wall (clear glass 2–4 dB, brick or
        /// coated glass 10 dB and more; an open mall front 0). 0: no wall, the harshest case for
        /// telling a passer-by from a shopper behind the glass.
        public var storefrontLoss = 0.0
        public init() {}
    }

    public var parameters: Parameters
    private let fields: [ShadowingField]

    public init(sensorCount: Int, parameters: Parameters = .init(), random: RandomSource) {
        self.parameters = parameters
        fields = (0..<sensorCount).map { ShadowingField(correlation: parameters.staticCorrelation, random: random.derived(UInt64(1000 + $0))) }
    }

    /// The static shadowing (dB) sensor `index` sees from a phone at `p`.
    public func staticShadowing(sensor index: Int, at p: Point) -> Double {
        parameters.staticShadowingSD * fields[index].value(at: p)
    }

    /// Fast fading (dB) of one packet: 20·log10 |h| for a Rician channel with unit mean power.
    public func fastFading(_ random: inout RandomSource) -> Double {
        let k = parameters.ricianK
        let los = (k / (k + 1)).squareRoot()
        let scatter = (1 / (2 * (k + 1))).squareRoot()
        let re = los + scatter * random.normal(), im = scatter * random.normal()
        return 10 * log10(max(re * re + im * im, 1e-6))
    }

    /// Whether a packet at `rssi` dBm is received: lost outright near the sensitivity floor,
    /// and more often the weaker it is.
    public func received(rssi: Double, _ random: inout RandomSource) -> Bool {
        guard rssi >= parameters.sensitivity else { return false }
        // Logistic rise of loss over the last ~10 dB above the floor.
        let margin = rssi - parameters.sensitivity
        let loss = parameters.baseLoss + (1 - parameters.baseLoss) / (1 + exp((margin - 6) / 2))
        return !random.chance(loss)
    }
}

/// A stationary Gaussian random field with unit variance built from random Fourier features:
/// the same point always gives the same value, and points closer than the correlation length
/// give similar values, so every phone at one spot sees the same shadow.
struct ShadowingField: Sendable {
    private var kx: [Double] = []
    private var ky: [Double] = []
    private var phase: [Double] = []

    init(correlation: Double, components: Int = 48, random: RandomSource) {
        var random = random
        for _ in 0..<components {
            // Spectrum of a Gaussian covariance exp(-d²/2ℓ²): wave vectors ~ N(0, 1/ℓ²).
            kx.append(random.normal() / correlation)
            ky.append(random.normal() / correlation)
            phase.append(random.uniform(0, 2 * .pi))
        }
    }

    func value(at p: Point) -> Double {
        var sum = 0.0
        for i in kx.indices { sum += cos(kx[i] * p.x + ky[i] * p.y + phase[i]) }
        return sum * (2 / Double(kx.count)).squareRoot()
    }
}
