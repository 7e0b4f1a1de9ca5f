import WiFi

/// A capture that could not start or go on, as one line a user can act on.
public enum PcapError: Error, Hashable, Sendable, CustomStringConvertible {
    case cannotOpenFile(path: String, reason: String)
    case interfaceNotFound(String)
    case notMonitorMode(interface: String, linkType: Int)
    case permissionDenied(interface: String, reason: String)
    case unsupportedLinkType(Int, source: String)
    case noSignalStrength(WiFiLinkType, source: String)
    case filter(expression: String, reason: String)
    case capture(source: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpenFile(let path, let reason):
            return "\(path): cannot be read as a pcap or pcapng capture (\(reason)); check the path and that it is a capture file"
        case .interfaceNotFound(let name):
            return "\(name): no such network interface; list Wi-Fi interfaces with `iw dev` and put one in monitor mode: `iw dev \(name) set type monitor`"
        case .notMonitorMode(let name, let linkType):
            return "\(name) is not in monitor mode (link type \(linkType), not 802.11); switch it: `ip link set \(name) down && iw dev \(name) set type monitor && ip link set \(name) up`"
        case .permissionDenied(let name, let reason):
            return "\(name): capture not permitted (\(reason)); it needs CAP_NET_RAW and CAP_NET_ADMIN: the packaged service has them (AmbientCapabilities in footfall.service; keep them in any drop-in), and a command run by hand needs sudo"
        case .unsupportedLinkType(let linkType, let source):
            return linkType == 192
                ? "\(source): link type 192 (PPI) is not read; Wi-Fi probe requests need link type 127 (radiotap) or 163 (AVS) — capture again on Linux, where monitor-mode interfaces give radiotap (`iw dev wlan0 set type monitor`)"
                : "\(source): link type \(linkType) is not 802.11 with a radio header; Wi-Fi probe requests need link type 127 (radiotap) or 163 (AVS) — capture on a monitor-mode interface (`iw dev wlan0 set type monitor`)"
        case .noSignalStrength(let linkType, let source):
            return "\(source): link type \(linkType) carries no signal strength, so probe requests give no RSSI; capture on a monitor-mode interface that adds radiotap (link type 127): `iw dev wlan0 set type monitor`"
        case .filter(let expression, let reason):
            return "capture filter '\(expression)' was refused: \(reason)"
        case .capture(let source, let reason):
            return "\(source): capture failed: \(reason)"
        }
    }
}
