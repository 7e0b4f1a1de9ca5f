import BLE
import Dispatch
import NIOCore
import SystemPackage

/// HCI packets over a file descriptor with H4 framing: a serial line, or a raw HCI socket
/// (which also prefixes each packet with its type byte). Blocking reads run on the channel's
/// own dispatch queue, never on the cooperative pool. Used by one task at a time.
final class HCIChannel: @unchecked Sendable {
    let fd: SystemPackage.FileDescriptor
    let device: String
    private var decoder: H4FrameDecoder
    private let queue: DispatchQueue
    private var readBuffer = [UInt8](repeating: 0, count: 4096)
    private(set) var isClosed = false
    /// Packets handed back by a reader that stopped mid-batch.
    private var unread: [H4Packet] = []

    /// `ownsController`: this process set the controller's LE event mask (a serial controller),
    /// so an LE Meta event of another subevent is noise; on a raw socket bluetoothd's mask lets
    /// connection events through, which are whole packets and must be framed as such.
    init(fd: SystemPackage.FileDescriptor, device: String, ownsController: Bool) {
        self.fd = fd
        self.device = device
        decoder = H4FrameDecoder(
            accepting: [.event], eventCodes: H4FrameDecoder.lowEnergyHostEvents,
            leSubevents: ownsController ? H4FrameDecoder.scanningSubevents : nil)
        self.queue = DispatchQueue(label: "footfall.hci.\(device)")
    }

    /// Bytes dropped while resynchronising after garbage.
    var skippedBytes: Int { queue.sync { decoder.skippedBytes } }
    private var reportedSkippedBytes = 0

    /// Bytes dropped since the last call, for a counter.
    func takeNewlySkippedBytes() -> Int {
        queue.sync {
            defer { reportedSkippedBytes = decoder.skippedBytes }
            return decoder.skippedBytes - reportedSkippedBytes
        }
    }

    func send(_ command: HCICommand) throws(BLECaptureError) {
        let bytes = command.h4Bytes
        do {
            _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
        } catch let errno as Errno {
            throw Self.classify(errno, call: "write", device: device)
        } catch {
            throw .controllerGone(device: device)
        }
    }

    /// The packets that arrive within `milliseconds` (empty on timeout).
    func receive(milliseconds: Int32) async throws(BLECaptureError) -> [H4Packet] {
        let result: Result<[H4Packet], BLECaptureError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(BLECaptureError) in try self.receiveBlocking(milliseconds: milliseconds) })
            }
        }
        return try result.get()
    }

    /// Returns packets a caller took but did not handle; the next `receive` yields them first.
    func pushBack(_ packets: some Collection<H4Packet>) {
        queue.sync { unread.insert(contentsOf: packets, at: 0) }
    }

    private func receiveBlocking(milliseconds: Int32) throws(BLECaptureError) -> [H4Packet] {
        var packets = unread
        unread = []
        while let packet = decoder.next() { packets.append(packet) }
        if !packets.isEmpty { return packets }
        do {
            switch try PosixIO.waitReadable(fd, milliseconds: milliseconds) {
            case .timedOut: return []
            case .hangUp: throw BLECaptureError.controllerGone(device: device)
            case .readable: break
            }
            let count = try readBuffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            if count == 0 { throw BLECaptureError.controllerGone(device: device) }
            decoder.feed(readBuffer[0..<count])
        } catch let error as BLECaptureError {
            throw error
        } catch let errno as Errno {
            throw Self.classify(errno, call: "read", device: device)
        } catch {
            throw .controllerGone(device: device)
        }
        while let packet = decoder.next() { packets.append(packet) }
        return packets
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        try? fd.close()
    }

    static func classify(_ errno: Errno, call: String, device: String) -> BLECaptureError {
        switch errno {
        case .ioError, .operationNotSupportedByDevice, .badFileDescriptor, .noSuchFileOrDirectory, .noSuchAddressOrDevice:
            return .controllerGone(device: device)
        case .resourceBusy:
            return .adapterBusy(adapter: device)
        case .networkDown:
            return .adapterDown(adapter: device)
        default:
            return .systemCall(call, device: device, errno)
        }
    }
}
