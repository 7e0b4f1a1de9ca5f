import BLE
import FootfallCore
import Foundation

/// Reads the configuration's identity files, resolved relative to the configuration file.
public enum IdentityMapLoader {
    /// The identity map (`identity.identity_map`): consented identities to customer ids.
    public static func customers(for configuration: StoreConfiguration) throws -> [DeviceID: String] {
        guard let map = configuration.identity.identityMap else { return [:] }
        return try IdentityMapCodec.read(path: StoreConfiguration.path(map, writtenIn: configuration.file))
    }

    /// The registered identity resolving keys (`identity.identity_keys`), as a resolver; one
    /// without keys resolves nothing.
    public static func resolver(for configuration: StoreConfiguration) throws -> IdentityResolver {
        guard let file = configuration.identity.identityKeys else { return IdentityResolver() }
        var keys: [IdentityResolvingKey] = []
        for key in try IdentityKeysCodec.read(path: StoreConfiguration.path(file, writtenIn: configuration.file)) {
            keys.append(try IdentityResolvingKey(name: key.name, bytes: key.bytes))
        }
        return IdentityResolver(keys: keys)
    }
}
