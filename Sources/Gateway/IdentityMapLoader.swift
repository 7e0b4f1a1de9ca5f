import BLE
import FootfallCore
import Foundation

/// Reads the configuration's identity files, resolved relative to the configuration file.
public enum IdentityMapLoader {
    /// The identity map (`identity.identity_map`): consented identities to customer ids.
    public static func customers(for configuration: StoreConfiguration) throws -> [DeviceID: String] {
        guard let map = configuration.identity.identityMap else { return [:] }
        return try IdentityMapCodec.read(path: path(map, configuration))
    }

    /// The registered identity resolving keys (`identity.identity_keys`), as a resolver; one
    /// without keys resolves nothing.
    public static func resolver(for configuration: StoreConfiguration) throws -> IdentityResolver {
        guard let file = configuration.identity.identityKeys else { return IdentityResolver() }
        let keys = try IdentityKeysCodec.read(path: path(file, configuration))
        return IdentityResolver(keys: keys.map { try! IdentityResolvingKey(name: $0.name, bytes: $0.bytes) })
    }

    private static func path(_ file: String, _ configuration: StoreConfiguration) -> String {
        file.hasPrefix("/") ? file : ((configuration.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
    }
}
