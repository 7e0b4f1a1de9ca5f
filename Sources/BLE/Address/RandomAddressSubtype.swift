/// What the top two bits of a random device address say it is.
public enum RandomAddressSubtype: Sendable, Hashable {
    case staticRandom, resolvablePrivate, nonResolvablePrivate, reserved
}
