import FootfallCore
import Presence

/// Pseudonyms for the live map and API, computed once per device and day rather than with two
/// HMACs per position.
struct PseudonymCache {
    private var entries: [DeviceID: (day: Int, identified: Bool, id: String)] = [:]

    mutating func id(for device: DeviceID, at time: Double, identified: Bool, _ pseudonymizer: Pseudonymizer) -> String {
        let day = Int((time / 86_400).rounded(.down))
        if let entry = entries[device], entry.day == day, entry.identified == identified { return entry.id }
        // Devices come and go all day: start afresh rather than grow without bound.
        if entries.count >= 100_000 { entries.removeAll(keepingCapacity: true) }
        let id = pseudonymizer.anonymousID(for: device, at: time, identified: identified)
        entries[device] = (day, identified, id)
        return id
    }
}
