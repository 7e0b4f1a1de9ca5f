/// Advertising data types this project decodes (Assigned Numbers 2.3, Supplement to the Core
/// Specification Part A).
public enum ADType {
    public static let flags: UInt8 = 0x01
    public static let incomplete16BitUUIDs: UInt8 = 0x02
    public static let complete16BitUUIDs: UInt8 = 0x03
    public static let incomplete32BitUUIDs: UInt8 = 0x04
    public static let complete32BitUUIDs: UInt8 = 0x05
    public static let incomplete128BitUUIDs: UInt8 = 0x06
    public static let complete128BitUUIDs: UInt8 = 0x07
    public static let shortenedLocalName: UInt8 = 0x08
    public static let completeLocalName: UInt8 = 0x09
    public static let txPowerLevel: UInt8 = 0x0A
    public static let serviceData16BitUUID: UInt8 = 0x16
    public static let serviceData32BitUUID: UInt8 = 0x20
    public static let serviceData128BitUUID: UInt8 = 0x21
    public static let manufacturerSpecificData: UInt8 = 0xFF
}
