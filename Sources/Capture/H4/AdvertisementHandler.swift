import BLE
import FootfallCore

/// Optional second handler of the BLE sources: each observation with the advertising report it
/// came from, for `footfall scan`'s table (address, address type) — more than a trace keeps.
public typealias AdvertisementHandler = @Sendable (Observation, LEAdvertisingReport) -> Void
