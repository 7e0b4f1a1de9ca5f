/// One quantity the locator learns of a store's radio from all the devices it places — a
/// sensor's gain, or how far the building's path-loss exponent lies from the model's — as the
/// gateway keeps it across a restart (the database's `learnt_radio` table).
///
/// Each is learnt against a model: the sensor's place and path-loss model, or the models'
/// exponent. `basis` says which, so that a value is taken back only while the store file still
/// describes the same sensor the same way; a sensor moved or given a model starts afresh.
public struct LearntRadioValue: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A sensor's gain (dB): how much louder than its model it hears every device.
        case sensorGain = "sensor_gain"
        /// The building's path-loss exponent less the model's.
        case exponentDeviation = "path_loss_exponent_deviation"
    }

    public var radio: Radio
    public var kind: Kind
    /// The sensor a gain is of; nil for the exponent, which is the building's.
    public var sensor: SensorID?
    public var value: Double
    /// The devices' worth of evidence behind the value.
    public var devices: Double
    /// What the value was learnt against; compared as text.
    public var basis: String
    /// For a sensor's gain, what its devices taught before it was shrunk towards the other
    /// sensors' by how far they differ: nil for the exponent, and for a gain kept by a version
    /// that did not keep it (which is taken back as a gain alone).
    public var spread: Spread?

    /// A sensor's devices' evidence, per device's worth of it.
    public struct Spread: Sendable, Hashable, Codable {
        /// Their mean residual at the sensor (dB).
        public var mean: Double
        /// The mean of their residuals' squares (dB²): with `mean`, how far the devices disagree.
        public var meanSquare: Double
        /// How many places (`shadowing_correlation` squares) they were counted at.
        public var places: Double

        public init(mean: Double, meanSquare: Double, places: Double) {
            self.mean = mean
            self.meanSquare = meanSquare
            self.places = places
        }
    }

    public init(radio: Radio, kind: Kind, sensor: SensorID?, value: Double, devices: Double, basis: String, spread: Spread? = nil) {
        self.radio = radio
        self.kind = kind
        self.sensor = sensor
        self.value = value
        self.devices = devices
        self.basis = basis
        self.spread = spread
    }
}
