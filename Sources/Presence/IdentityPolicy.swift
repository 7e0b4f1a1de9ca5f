import FootfallCore

/// Who may be identified (DESIGN.md, identity and privacy): beacon ids broadcast by the
/// retailer's loyalty app, devices resolved with a registered identity key, and — only when
/// configured — globally administered addresses. Everything else is counted, never profiled.
public struct IdentityPolicy: Sendable {
    public let settings: StoreConfiguration.IdentitySettings
    private let customers: [DeviceID: String]

    public init(settings: StoreConfiguration.IdentitySettings = .init(), customers: [DeviceID: String] = [:]) {
        self.settings = settings
        self.customers = customers
    }

    /// Whether the device is a stable, consented identity.
    public func isIdentified(_ device: DeviceID) -> Bool {
        // A beacon's id is `kind:uuid-or-namespace:…`: only beacons have the second part read
        // (every estimate of every device asks, so nothing is split for the others).
        func secondPart() -> String? {
            let parts = device.rawValue.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count >= 2 ? parts[1].lowercased() : nil
        }
        switch device.kind {
        case .ibeacon, .altbeacon:
            return secondPart().map(settings.loyaltyUUIDs.contains) ?? false
        case .eddystone:
            return secondPart().map(settings.eddystoneNamespaces.contains) ?? false
        case .irk:
            return true
        case .ble, .wifi:
            return settings.globallyAdministered && device.isStable
        case .bleRPA, .opaque:
            return false
        }
    }

    /// The profile store's id for an identified device, from the identity map.
    public func customerID(for device: DeviceID) -> String? {
        isIdentified(device) ? customers[device] : nil
    }
}
