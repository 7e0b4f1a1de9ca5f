internal import CPcap
import NIOCore
import WiFi

/// A libpcap capture of 802.11 frames: a pcap or pcapng file, or a live monitor-mode
/// interface. The only user of `CPcap`; no C type leaves this file.
public final class PcapCapture {
    /// The BPF filter that keeps probe requests only (pcap-filter(7)).
    public static let probeRequestFilter = "type mgt subtype probe-req"

    public enum Read {
        /// A packet: its capture time in seconds since the epoch, and its bytes. The buffer
        /// is reused by the next read, so decode it before reading again.
        case packet(time: Double, bytes: ByteBuffer)
        /// A live capture has no packet waiting (reads never block).
        case timeout
        case endOfFile
    }

    public let source: String
    public let linkType: WiFiLinkType
    public let isLive: Bool
    private let handle: OpaquePointer
    private var buffer = ByteBufferAllocator().buffer(capacity: 4096)
    /// Fractions of a second the timestamps count: 1e9 when libpcap gives nanoseconds, 1e6 when
    /// a live interface could only give microseconds.
    private var fractionsPerSecond = 1e9
    /// When the last packet read was cut at the capture's snapshot length: the bytes kept, and
    /// the packet's own length.
    public private(set) var lastPacketCut: Cut?

    /// A packet cut at the capture's snapshot length: the bytes kept, and its own length.
    public struct Cut: Hashable, Sendable {
        public var captured: Int
        public var original: Int
    }

    private init(handle: OpaquePointer, source: String, isLive: Bool) throws(PcapError) {
        self.handle = handle
        self.source = source
        self.isLive = isLive
        let dataLink = Int(pcap_datalink(handle))
        guard let linkType = WiFiLinkType(rawValue: dataLink) else {
            pcap_close(handle)
            throw isLive ? .notMonitorMode(interface: source, linkType: dataLink) : .unsupportedLinkType(dataLink, source: source)
        }
        self.linkType = linkType
        fractionsPerSecond = pcap_get_tstamp_precision(handle) == Int32(PCAP_TSTAMP_PRECISION_NANO) ? 1e9 : 1e6
    }

    deinit { pcap_close(handle) }

    /// Opens a pcap or pcapng file (libpcap reads both), timestamps at nanosecond precision.
    public static func file(_ path: String) throws(PcapError) -> PcapCapture {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            throw .cannotOpenFile(path: path, reason: Self.text(errorBuffer))
        }
        return try PcapCapture(handle: handle, source: path, isLive: false)
    }

    /// Opens a live monitor-mode interface with a BPF filter (probe requests by default).
    /// Reads do not block: with nothing waiting they return `.timeout`, so an async caller
    /// can sleep instead of holding a thread of the cooperative pool.
    public static func live(
        interface: String, filter: String? = probeRequestFilter, snapshotLength: Int = 4096
    ) throws(PcapError) -> PcapCapture {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw .interfaceNotFound(interface)
        }
        pcap_set_snaplen(handle, Int32(snapshotLength))
        pcap_set_promisc(handle, 1)
        pcap_set_timeout(handle, 100)
        pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        if status < 0 {
            let reason = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_NO_SUCH_DEVICE: throw .interfaceNotFound(interface)
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED: throw .permissionDenied(interface: interface, reason: reason)
            default: throw .capture(source: interface, reason: reason)
            }
        }
        // A monitor-mode interface may offer radiotap among several link types: prefer it.
        if pcap_datalink(handle) != Int32(WiFiLinkType.radiotap.rawValue) {
            _ = pcap_set_datalink(handle, Int32(WiFiLinkType.radiotap.rawValue))
        }
        let capture = try PcapCapture(handle: handle, source: interface, isLive: true)
        if let filter { try capture.apply(filter: filter) }
        guard pcap_setnonblock(handle, 1, &errorBuffer) == 0 else {
            throw .capture(source: interface, reason: Self.text(errorBuffer))
        }
        return capture
    }

    /// Compiles and installs a BPF filter.
    public func apply(filter expression: String) throws(PcapError) {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, 0xFFFF_FFFF) == 0 else {
            throw .filter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw .filter(expression: expression, reason: String(cString: pcap_geterr(handle)))
        }
    }

    /// Reads the next packet.
    public func next() throws(PcapError) -> Read {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return .timeout }
            // `tv_usec` holds nanoseconds when the precision asked for was given.
            let time = Double(header.pointee.ts.tv_sec) + Double(header.pointee.ts.tv_usec) / fractionsPerSecond
            let (captured, original) = (Int(header.pointee.caplen), Int(header.pointee.len))
            lastPacketCut = captured < original ? Cut(captured: captured, original: original) : nil
            buffer.clear()
            buffer.writeBytes(UnsafeRawBufferPointer(start: data, count: captured))
            return .packet(time: time, bytes: buffer)
        case 0:
            return .timeout
        case PCAP_ERROR_BREAK:
            return .endOfFile
        default:
            throw .capture(source: source, reason: String(cString: pcap_geterr(handle)))
        }
    }

    private static func text(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
