/// The radio an observation was heard on; path-loss parameters are kept per radio.
public enum Radio: String, Hashable, Sendable, Codable, CaseIterable {
    case ble
    case wifi
}
