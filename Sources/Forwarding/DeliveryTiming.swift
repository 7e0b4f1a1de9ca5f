import FootfallCore

/// Delivery's clock is the gateway's one `Timing` (FootfallCore): the name stays for the
/// forwarder's and the tests' signatures.
public typealias DeliveryTiming = Timing
