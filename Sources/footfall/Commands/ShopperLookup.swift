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
        /// Each pseudonym the id stands for, with its visits (a customer id may have been given
        /// to two devices); never empty.
        var visits: [(identity: String, visits: [VisitRecord])]
    }

    let gateway: GatewayData
    /// The store file, for `identity.identity_map`; without it customer ids are found only in
    /// events the outbox still keeps.
    let configuration: StoreConfiguration?
    let dataDirectory: String

    func visits(of id: String) throws -> Found {
        func history(_ identity: String) throws -> (String, [VisitRecord])? {
            let visits = try gateway.database.visits(of: identity, since: -.infinity)
            return visits.isEmpty ? nil : (identity, visits)
        }
        // An identified shopper's anonymous_id is the key of their history.
        if let found = try history(id) { return Found(kind: .anonymousID, visits: [found]) }

        let pseudonymizer = Pseudonymizer(key: gateway.key)
        var customerIdentities = try gateway.database.anonymousIDs(ofCustomer: id)
        if let configuration {
            let customers = try IdentityMapLoader.customers(for: configuration)
            customerIdentities += customers.filter { $0.value == id }.keys.map { pseudonymizer.identityKey(for: $0) }
        }
        let customerVisits = try Set(customerIdentities).sorted().compactMap(history)
        if !customerVisits.isEmpty { return Found(kind: .customerID, visits: customerVisits) }

        let deviceIdentity = pseudonymizer.identityKey(for: DeviceID(id))
        if let found = try history(deviceIdentity) { return Found(kind: .device, visits: [found]) }

        throw CommandFailure(try nothingFound(id, knownCustomer: !customerIdentities.isEmpty))
    }

    /// Why nothing matched, and what to check.
    private func nothingFound(_ id: String, knownCustomer: Bool) throws -> String {
        if id.hasPrefix("anon-") {
            return "\(id) is the daily pseudonym of a device that is not identified: the gateway keeps no visit history for it "
                + "(only for identified shoppers, docs/events.md), so there is none to show or erase"
        }
        let pending = try gateway.database.keptEventCount(identity: id)
        if knownCustomer || pending > 0 {
            return "\(id) has no completed visit on record in \(dataDirectory) yet (\(pending) of its events are in the outbox); "
                + "a visit is recorded when it ends"
        }
        let customers = configuration == nil
            ? "a customer_id (pass the store file with --config to look it up in identity.identity_map)"
            : "a customer_id of \(configuration!.file)'s identity.identity_map"
        return "no visits on record in \(dataDirectory) for '\(id)' as an anonymous_id, \(customers) or a device id; "
            + "check the id, and that --data is the directory `footfall run` was given"
    }
}
