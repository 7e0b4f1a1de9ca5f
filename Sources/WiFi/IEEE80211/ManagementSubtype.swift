/// Management frame subtypes (802.11-2020, table 9-1) with the fixed fields that precede
/// their information elements (clause 9.3.3), so every subtype can be skipped cleanly.
public enum ManagementSubtype: UInt8, CaseIterable, Sendable {
    case associationRequest = 0
    case associationResponse = 1
    case reassociationRequest = 2
    case reassociationResponse = 3
    case probeRequest = 4
    case probeResponse = 5
    case timingAdvertisement = 6
    case reserved7 = 7
    case beacon = 8
    case atim = 9
    case disassociation = 10
    case authentication = 11
    case deauthentication = 12
    case action = 13
    case actionNoAck = 14
    case reserved15 = 15

    /// Bytes of fixed fields before the elements, or nil when the body holds no elements
    /// (ATIM, disassociation, deauthentication, action frames and the reserved subtypes).
    public var fixedFieldsLength: Int? {
        switch self {
        case .associationRequest: return 4        // capability, listen interval
        case .associationResponse, .reassociationResponse: return 6  // capability, status, AID
        case .reassociationRequest: return 10     // capability, listen interval, current AP
        case .probeRequest: return 0
        case .probeResponse, .beacon: return 12   // timestamp, beacon interval, capability
        case .timingAdvertisement: return 10      // timestamp, capability
        case .authentication: return 6            // algorithm, transaction sequence, status
        case .atim, .disassociation, .deauthentication, .action, .actionNoAck, .reserved7, .reserved15: return nil
        }
    }

    /// The smallest valid body: the fixed fields that must be there.
    public var minimumBodyLength: Int {
        switch self {
        case .disassociation, .deauthentication: return 2   // reason code
        case .action, .actionNoAck: return 1                // category
        default: return fixedFieldsLength ?? 0
        }
    }
}
