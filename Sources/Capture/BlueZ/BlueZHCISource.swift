import BLE
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle

/// Scans through a BlueZ adapter's raw HCI socket (`hci0`). bluetoothd may own the adapter, so
/// nothing is reset: only scanning is configured, and turned off again on the way out. An
/// adapter that goes away after it worked (unplugged) is re-opened with back-off; failures at
/// the start (no Bluetooth in the kernel, adapter busy or missing) end the service at once with
/// a line that says what to do.
public struct BlueZHCISource: Service {
    public var adapter: String
    public var sensor: SensorID
    public var resolver: IdentityResolver
    public var options: ControllerSetup.Options
    /// The waits between re-opens: the ceiling of each (a local adapter has no crowd to
    /// spread), counted again from the first once the adapter works.
    public var backoff: Backoff
    public var logger: Logger
    /// The observations' timestamps, and the waits between re-opens.
    public var timing: Timing
    public var onObservation: ObservationHandler
    /// Also called for each observation, with its advertising report.
    public var onAdvertisement: AdvertisementHandler?
    /// Counters; replace to count into another factory (tests do).
    public var metrics = BLECaptureMetrics(source: "hci")

    public init(
        adapter: String = "hci0", sensor: SensorID, resolver: IdentityResolver = IdentityResolver(),
        options: ControllerSetup.Options = ControllerSetup.Options(ownsController: false),
        backoff: Backoff = Backoff(base: .seconds(1), cap: .seconds(30)), logger: Logger, timing: Timing = .live,
        onObservation: @escaping ObservationHandler
    ) {
        self.adapter = adapter
        self.sensor = sensor
        self.resolver = resolver
        self.options = options
        self.backoff = backoff
        self.logger = logger
        self.timing = timing
        self.onObservation = onObservation
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.captureWithReconnect()
        }
    }

    func captureWithReconnect() async throws {
        var attempt = 0
        var hasWorked = false
        var converter = ObservationConverter(sensor: sensor, resolver: resolver)
        while !Task.isCancelled {
            do throws(BLECaptureError) {
                try await captureOnce(converter: &converter) { hasWorked = true; attempt = 0 }
                return
            } catch {
                guard hasWorked, Self.isTransient(error) else { throw error }
                attempt += 1
                let delay = backoff.ceiling(attempt: attempt)
                metrics.recoveries.increment()
                logger.warning("\(error); re-opening \(adapter) in \(delay)")
                try await timing.sleep(delay)
            }
        }
    }

    static func isTransient(_ error: BLECaptureError) -> Bool {
        switch error {
        // A hardware error makes the kernel reset the adapter; it comes back like a replug.
        case .controllerGone, .adapterMissing, .adapterDown, .controller(.hardwareError, _): true
        default: false
        }
    }

    func captureOnce(converter: inout ObservationConverter, opened: () -> Void) async throws(BLECaptureError) {
        let socket = try HCISocket.open(adapter: adapter)
        let channel = HCIChannel(fd: socket.fd, device: adapter)
        defer {
            socket.restoreFilter()
            channel.close()
        }
        let session = ControllerSession(channel: channel, logger: logger, metrics: metrics)
        let setup = try await session.bringUp(options)
        opened()
        try await session.scan(converter: &converter, clock: timing.now, handler: onObservation, onAdvertisement: onAdvertisement)
        await session.tearDown(setup)
    }
}
