import BLE
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle

/// Scans through a BlueZ adapter's raw HCI socket (`hci0`). bluetoothd may own the adapter, so
/// nothing is reset: only scanning is configured, and turned off again on the way out. Any
/// failure — at the start (no Bluetooth in the kernel, adapter busy or missing) or later (the
/// adapter unplugged) — ends the run with a line that says what happened and what to do; the
/// daemon's supervisor (`SupervisedSource`) opens it again with back-off.
public struct BlueZHCISource: Service {
    public var adapter: String
    public var sensor: SensorID
    public var resolver: IdentityResolver
    public var options: ControllerSetup.Options
    public var logger: Logger
    /// The observations' timestamps.
    public var timing: Timing
    public var onObservation: ObservationHandler
    /// Also called for each observation, with its advertising report.
    public var onAdvertisement: AdvertisementHandler?
    /// Counters; replace to count into another factory (tests do).
    public var metrics = BLECaptureMetrics(source: "hci")

    public init(
        adapter: String = "hci0", sensor: SensorID, resolver: IdentityResolver = IdentityResolver(),
        options: ControllerSetup.Options = ControllerSetup.Options(ownsController: false),
        logger: Logger, timing: Timing = .live,
        onObservation: @escaping ObservationHandler
    ) {
        self.adapter = adapter
        self.sensor = sensor
        self.resolver = resolver
        self.options = options
        self.logger = logger
        self.timing = timing
        self.onObservation = onObservation
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var converter = ObservationConverter(sensor: self.sensor, resolver: self.resolver)
            try await self.captureOnce(converter: &converter)
        }
    }

    func captureOnce(converter: inout ObservationConverter) async throws(BLECaptureError) {
        let socket = try HCISocket.open(adapter: adapter)
        let channel = HCIChannel(fd: socket.fd, device: adapter, ownsController: options.ownsController)
        defer {
            socket.restoreFilter()
            channel.close()
        }
        let session = ControllerSession(channel: channel, logger: logger, metrics: metrics)
        let setup = try await session.bringUp(options)
        try await session.scan(converter: &converter, clock: timing.now, handler: onObservation, onAdvertisement: onAdvertisement)
        await session.tearDown(setup)
    }
}
