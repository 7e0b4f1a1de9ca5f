import FootfallCore
import GRDB

/// A row of `learnt_radio`: one sensor's learnt gain on one radio, or the building's exponent
/// (`sensor` ''). No device, pseudonym or address.
struct LearntRadioRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "learnt_radio"

    var radio: String
    /// A `LearntRadioValue.Kind`'s raw value; a newer version may have written one this one
    /// does not know.
    var kind: String
    var sensor: String
    var value: Double
    var devices: Double
    var basis: String
    var savedAt: Double
    /// `LearntRadioValue.spread`, NULL where there is none.
    var mean: Double?
    var meanSquare: Double?
    var places: Double?

    enum CodingKeys: String, CodingKey {
        case radio, kind, sensor, value, devices, basis, mean, places
        case savedAt = "saved_at"
        case meanSquare = "mean_square"
    }

    init(_ learnt: LearntRadioValue, savedAt: Double) {
        radio = learnt.radio.rawValue
        kind = learnt.kind.rawValue
        sensor = learnt.sensor?.rawValue ?? ""
        value = learnt.value
        devices = learnt.devices
        basis = learnt.basis
        self.savedAt = savedAt
        mean = learnt.spread?.mean
        meanSquare = learnt.spread?.meanSquare
        places = learnt.spread?.places
    }

    /// The value as the locator takes it back; nil for a radio or kind this version does not
    /// know.
    var learnt: LearntRadioValue? {
        guard let radio = Radio(rawValue: radio), let kind = LearntRadioValue.Kind(rawValue: kind) else { return nil }
        var spread: LearntRadioValue.Spread?
        if let mean, let meanSquare, let places { spread = LearntRadioValue.Spread(mean: mean, meanSquare: meanSquare, places: places) }
        return LearntRadioValue(
            radio: radio, kind: kind, sensor: sensor.isEmpty ? nil : SensorID(sensor), value: value, devices: devices,
            basis: basis, spread: spread)
    }
}

/// What the locator has learnt of the store's radio, kept across a restart.
extension GatewayDatabase {
    /// Replaces what is kept with `values`, learnt up to `time` (the daemon's clock, s).
    public func replaceLearntRadio(_ values: [LearntRadioValue], at time: Double) throws {
        try write { db in
            try LearntRadioRecord.deleteAll(db)
            for value in values { try LearntRadioRecord(value, savedAt: time).insert(db) }
        }
    }

    /// What was kept, with when it was saved (the latest row's time); empty before the first
    /// save.
    public func learntRadio() throws -> (values: [LearntRadioValue], savedAt: Double?) {
        try read { db in
            let records = try LearntRadioRecord.fetchAll(db)
            return (records.compactMap(\.learnt), records.map(\.savedAt).max())
        }
    }
}
