/// An 802.11 frame as far as presence needs it: probe requests in full, other management
/// frames to their header and body, control and data frames by their frame control only.
public enum IEEE80211Frame: Hashable, Sendable {
    case probeRequest(ProbeRequest)
    case management(ManagementFrame)
    case control(FrameControl)
    case data(FrameControl)
    case `extension`(FrameControl)

    public var frameControl: FrameControl {
        switch self {
        case .probeRequest(let probe): return probe.frame.frameControl
        case .management(let frame): return frame.frameControl
        case .control(let fc), .data(let fc), .extension(let fc): return fc
        }
    }
}
