import NIOCore

/// Command Complete (0x0E).
public struct CommandComplete: Sendable, Hashable {
    public var numHCICommandPackets: UInt8
    public var opcode: HCIOpcode
    /// Return parameters; for every command this codec sends, the first byte is Status.
    public var returnParameters: ByteBuffer

    public init(numHCICommandPackets: UInt8, opcode: HCIOpcode, returnParameters: ByteBuffer) {
        self.numHCICommandPackets = numHCICommandPackets
        self.opcode = opcode
        self.returnParameters = returnParameters
    }

    /// The Status return parameter, or nil when there are no return parameters.
    public var status: HCIStatus? {
        returnParameters.getInteger(at: returnParameters.readerIndex, as: UInt8.self).map(HCIStatus.init(rawValue:))
    }
}
