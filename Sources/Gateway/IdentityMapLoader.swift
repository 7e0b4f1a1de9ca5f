import FootfallCore
import Foundation

/// Reads the configuration's identity map, resolved relative to the configuration file.
public enum IdentityMapLoader {
    public static func customers(for configuration: StoreConfiguration) throws -> [DeviceID: String] {
        guard let map = configuration.identity.identityMap else { return [:] }
        let path = map.hasPrefix("/") ? map : ((configuration.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(map)
        return try IdentityMapCodec.read(path: path)
    }
}
