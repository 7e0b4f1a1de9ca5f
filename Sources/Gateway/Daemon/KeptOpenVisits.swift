import FootfallCore
import Foundation
import Presence
import Storage

/// The visits in progress kept across a stop (`kept_state`, name `open_visits`): the tracker's
/// `Kept` as JSON, sealed under the pseudonym key (AES-GCM), so that the one place a device id
/// is kept at rest is read by no one without the data directory's key. The daemon keeps and
/// takes them (`PipelineService`); an erasure request takes a shopper's out (`visits erase`).
public enum KeptOpenVisits {
    static let name = "open_visits"

    public static func seal(_ kept: VisitTracker.Kept, with pseudonymizer: Pseudonymizer) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try pseudonymizer.seal(Array(try encoder.encode(kept)))
    }

    /// The visits sealed in `sealed`, or nil when they were sealed under another key.
    public static func open(_ sealed: [UInt8], with pseudonymizer: Pseudonymizer) throws -> VisitTracker.Kept? {
        guard let plain = pseudonymizer.open(sealed) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(VisitTracker.Kept.self, from: Data(plain))
    }

    /// What is kept of each shopper (by pseudonym, `Pseudonymizer.identityKey`) with a visit in
    /// progress or a staff mark: how many of each, as they are kept now; nothing is changed.
    public static func held(in database: GatewayDatabase, pseudonymizer: Pseudonymizer) throws -> [String: (visits: Int, staff: Int)] {
        guard let kept = try database.keptState(name), let open = try open(kept.value, with: pseudonymizer) else { return [:] }
        var held: [String: (visits: Int, staff: Int)] = [:]
        for visit in open.visits { held[pseudonymizer.identityKey(for: visit.device), default: (0, 0)].visits += 1 }
        for identity in open.staff.keys { held[identity, default: (0, 0)].staff += 1 }
        return held
    }

    /// Takes the visits in progress and the staff mark of those shoppers out of what is kept (an
    /// erasure request while the daemon is stopped); how many of each went.
    public static func erase(_ identities: Set<String>, in database: GatewayDatabase, pseudonymizer: Pseudonymizer) throws -> (visits: Int, staff: Int) {
        var erased = (visits: 0, staff: 0)
        // Read, filtered and written back in one transaction: a daemon starting (taking them)
        // or stopping (keeping its own) meanwhile comes wholly before or after.
        try database.updateState(name) { sealed in
            guard var open = try open(sealed, with: pseudonymizer) else { return nil }
            let visits = open.visits.count, staff = open.staff.count
            open.visits.removeAll { identities.contains(pseudonymizer.identityKey(for: $0.device)) }
            open.staff = open.staff.filter { !identities.contains($0.key) }
            erased = (visits - open.visits.count, staff - open.staff.count)
            return erased == (0, 0) ? nil : try seal(open, with: pseudonymizer)
        }
        return erased
    }
}
