/// Resolves private addresses against the registered identity keys.
public struct IdentityResolver: Sendable {
    public var keys: [IdentityResolvingKey]

    public init(keys: [IdentityResolvingKey] = []) { self.keys = keys }

    /// The name of the key that made this resolvable private address, if any.
    public func resolve(_ address: BluetoothAddress) -> String? {
        guard !keys.isEmpty, address.randomSubtype == .resolvablePrivate else { return nil }
        return keys.first { $0.resolves(address) }?.name
    }
}
