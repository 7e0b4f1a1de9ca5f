/// A packet that does not decode: what was wrong, in which structure, and at which byte
/// (offset from the start of the packet handed to the decoder).
public struct HCIDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The structure being decoded, e.g. "LE Extended Advertising Report".
    public var context: String
    /// What was wrong, as a sentence fragment.
    public var message: String
    /// Byte offset of the problem from the start of the packet.
    public var offset: Int

    public init(context: String, message: String, offset: Int) {
        self.context = context
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(context): \(message) at byte \(offset)" }

    /// The one length check every decoder goes through; the message is built only on failure.
    @inlinable @inline(__always)
    static func require(_ needed: Int, available: Int, at offset: Int, in context: @autoclosure () -> String, field: StaticString) throws(HCIDecodingError) {
        if _slowPath(available < needed) {
            throw HCIDecodingError(
                context: context(),
                message: "\(field) needs \(needed) bytes but only \(available) remain",
                offset: offset
            )
        }
    }
}
