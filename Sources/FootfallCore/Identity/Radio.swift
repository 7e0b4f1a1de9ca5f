/// The radio an observation was heard on; path-loss parameters are kept per radio.
public enum Radio: String, Hashable, Sendable, Codable, CaseIterable {
    case ble
    case wifi

    /// Why `text` is not a radio, quoting it only when it is as short as a radio's name: a
    /// longer value may be part of a device's address, sent in the wrong field.
    public static func refusal(_ text: some StringProtocol) -> String {
        text.count <= 8 ? "'\(text)' must be ble or wifi" : "a value of \(text.count) characters; it must be ble or wifi"
    }
}
