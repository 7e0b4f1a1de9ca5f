import FootfallCore
import Foundation
import Gateway
import Presence
import Storage

/// Finds a shopper's visit history from what the retailer holds: the `anonymous_id` or the
/// `customer_id` their events carried, or their device id. The history is kept under the
/// pseudonym that is an identified shopper's `anonymous_id`, so each resolves to that.
struct ShopperLookup {
    enum Kind: String {
        case anonymousID = "anonymous_id"
        case customerID = "customer_id"
        case device = "device id"
    }

    struct Found {
        var kind: Kind
        /// Each pseudonym the id stands for (a customer id may have been given to two devices),
        /// with what is held under it: its completed visits and its events still in the outbox;
        /// never empty.
        var identities: [(identity: String, visits: [VisitRecord], events: Int)]
        /// Of those, the visits in progress and staff marks kept at the daemon's last stop.
        var kept: (visits: Int, staff: Int)
    }

    let gateway: GatewayData
    /// The store file, for `identity.identity_map`; without it customer ids are found only in
    /// events the outbox still keeps.
    let configuration: StoreConfiguration?
    let dataDirectory: String

    /// What is held about the shopper `id` names: an identified shopper's history, events
    /// still in the outbox and a visit kept in progress are each found, so that a shopper whose
    /// first visit has not ended yet is found too.
    func find(_ id: String) throws -> Found {
        let database = gateway.database
        let pseudonymizer = Pseudonymizer(key: gateway.key)
        // Read (and unsealed) once: the visits in progress and staff marks kept at the last stop.
        let kept = try KeptOpenVisits.held(in: database, pseudonymizer: pseudonymizer)
        func held(_ identities: [String]) throws -> [(identity: String, visits: [VisitRecord], events: Int)] {
            try Set(identities).sorted().compactMap { identity in
                let visits = try database.visits(of: identity, since: -.infinity)
                // By pseudonym only: a customer id is not one (its events are found through it).
                let events = try database.keptEventCount(anonymousID: identity)
                return visits.isEmpty && events == 0 && kept[identity] == nil ? nil : (identity, visits, events)
            }
        }
        func found(_ kind: Kind, _ identities: [(identity: String, visits: [VisitRecord], events: Int)]) -> Found {
            let theirs = identities.compactMap { kept[$0.identity] }
            return Found(kind: kind, identities: identities, kept: (theirs.map(\.visits).reduce(0, +), theirs.map(\.staff).reduce(0, +)))
        }
        // An identified shopper's anonymous_id is the key of what is held.
        let asPseudonym = try held([id])
        if !asPseudonym.isEmpty { return found(.anonymousID, asPseudonym) }

        var customerIdentities = try database.anonymousIDs(ofCustomer: id)
        if let configuration {
            let customers = try IdentityMapLoader.customers(for: configuration)
            customerIdentities += customers.filter { $0.value == id }.keys.map { pseudonymizer.identityKey(for: $0) }
        }
        let asCustomer = try held(customerIdentities)
        if !asCustomer.isEmpty { return found(.customerID, asCustomer) }

        // As typed and as the gateway writes it: a sensor gateway or a trace may have sent an id
        // in capitals, kept as sent.
        let asDevice = try held([pseudonymizer.identityKey(for: DeviceID(id)), pseudonymizer.identityKey(for: DeviceID.canonical(id))])
        if !asDevice.isEmpty { return found(.device, asDevice) }

        throw CommandFailure(nothingFound(id, knownCustomer: !customerIdentities.isEmpty))
    }

    /// The pseudonyms `id` may stand for: itself if it is an `anonymous_id`, those the identity map or kept events give a customer
    /// id, a device id's (as typed and as the gateway writes it). A gateway running on the data
    /// directory is asked about these (a first visit it holds in memory is on no file yet).
    func candidates(_ id: String) throws -> [String] {
        let pseudonymizer = Pseudonymizer(key: gateway.key)
        var identities: [String] = []
        // A pseudonym as itself: an identified shopper's, or the daily `anon-` one the events
        // of a device that is not identified carry (`identity.anonymous_events`).
        if id.hasPrefix("id-") || id.hasPrefix("anon-") { identities.append(id) }
        identities += try gateway.database.anonymousIDs(ofCustomer: id)
        if let configuration {
            identities += try IdentityMapLoader.customers(for: configuration).filter { $0.value == id }.keys.map { pseudonymizer.identityKey(for: $0) }
        }
        if !id.hasPrefix("id-"), !id.hasPrefix("anon-") {
            identities += [pseudonymizer.identityKey(for: DeviceID(id)), pseudonymizer.identityKey(for: DeviceID.canonical(id))]
        }
        return Array(Set(identities)).sorted()
    }

    /// Why nothing matched, and what to check.
    private func nothingFound(_ id: String, knownCustomer: Bool) -> String {
        let shown = AddressRedaction.redacted(id)
        if id.hasPrefix("anon-") {
            return "\(id) is the daily pseudonym of a device that is not identified: the gateway keeps no visit history for it "
                + "(only for identified shoppers, docs/events.md), so there is none to show or erase"
        }
        if knownCustomer {
            return "\(shown) is a customer of the identity map, but nothing is held about them in \(dataDirectory): no visit, no event in the outbox, no visit in progress kept"
        }
        let customers = configuration == nil
            ? "a customer_id (pass the store file with --config to look it up in identity.identity_map)"
            : "a customer_id of \(configuration!.file)'s identity.identity_map"
        return "nothing held in \(dataDirectory) for '\(shown)' as an anonymous_id, \(customers) or a device id; "
            + "check the id, and that --data is the directory `footfall run` was given (a running gateway holds its visits in progress in memory, which `visits show` cannot see; `visits erase` asks it)"
    }
}
