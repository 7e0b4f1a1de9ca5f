/// Who sent a packet.
public enum HCIDirection: Sendable, Hashable {
    case hostToController
    case controllerToHost
}
