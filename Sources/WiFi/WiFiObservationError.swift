/// Why a captured frame gave no observation.
public enum WiFiObservationError: Error, Hashable, Sendable, CustomStringConvertible {
    case noSignalStrength(WiFiLinkType)

    public var description: String {
        switch self {
        case .noSignalStrength(let linkType):
            if linkType == .avs {
                return "the AVS header reports no signal in dBm for this frame; capture on a monitor-mode interface with radiotap (link type 127)"
            }
            return "link type \(linkType) carries no signal strength; capture on a monitor-mode interface with radiotap (link type 127)"
        }
    }
}
