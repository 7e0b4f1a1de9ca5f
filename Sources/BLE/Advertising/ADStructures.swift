import NIOCore

/// Walks the AD structures of advertising data: Length, AD_Type, then Length − 1 bytes of data
/// (Vol 3 Part C 11). A zero length ends the significant part (the rest is padding).
public enum ADStructures {
    /// Calls `body` with each structure's type and value; no allocation.
    @inlinable
    public static func forEach(
        in data: ByteBuffer, _ body: (_ type: UInt8, _ value: ByteBuffer) -> Void
    ) throws(HCIDecodingError) {
        var index = data.readerIndex
        let end = data.writerIndex
        while index < end {
            let length = Int(data.getInteger(at: index, as: UInt8.self)!)
            if length == 0 { return }
            guard index + 1 + length <= end else {
                throw HCIDecodingError(
                    context: "advertising data",
                    message: "AD structure of length \(length) runs past the end (\(end - index - 1) bytes left)",
                    offset: index - data.readerIndex
                )
            }
            let type = data.getInteger(at: index + 1, as: UInt8.self)!
            body(type, data.getSlice(at: index + 2, length: length - 1)!)
            index += 1 + length
        }
    }
}
