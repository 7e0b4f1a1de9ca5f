import BLE
import FootfallCore
import Foundation
import Logging
import ServiceLifecycle
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A Bluetooth controller on a serial line speaking H4 (a USB dongle flashed with an HCI UART
/// firmware, a Raspberry Pi's UART controller freed from the kernel). Footfall owns the
/// controller: it resets it and runs the whole initialisation itself, then scans passively.
public struct H4SerialSource: Service {
    public var device: SerialDevice
    public var sensor: SensorID
    public var resolver: IdentityResolver
    public var options: ControllerSetup.Options
    public var logger: Logger
    /// The gateway's clock: observations are stamped with its `now`.
    public var timing: Timing
    public var onObservation: ObservationHandler
    /// Also called for each observation, with its advertising report.
    public var onAdvertisement: AdvertisementHandler?
    /// Counters; replace to count into another factory (tests do).
    public var metrics = BLECaptureMetrics(source: "h4")
    /// Hardware errors recovered from (reset and set up again) before giving up.
    public var hardwareErrorResets = 3

    public init(
        device: SerialDevice, sensor: SensorID, resolver: IdentityResolver = IdentityResolver(),
        options: ControllerSetup.Options = ControllerSetup.Options(ownsController: true),
        logger: Logger, timing: Timing = .live,
        onObservation: @escaping ObservationHandler
    ) {
        self.device = device
        self.sensor = sensor
        self.resolver = resolver
        self.options = options
        self.logger = logger
        self.timing = timing
        self.onObservation = onObservation
    }

    /// Scans until cancelled or graceful shutdown (returns) or until the controller fails or
    /// goes away (throws `BLECaptureError`).
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.capture()
        }
    }

    func capture() async throws(BLECaptureError) {
        let fd: SystemPackage.FileDescriptor
        do {
            fd = try SystemPackage.FileDescriptor.open(device.path, .readWrite, options: [SystemPackage.FileDescriptor.OpenOptions(rawValue: O_NOCTTY), .closeOnExec])
            try PosixIO.configureSerial(fd, baud: device.baudRate, flowControl: device.flowControl)
        } catch let errno as Errno {
            throw errno == .noSuchFileOrDirectory ? .serialDeviceMissing(path: device.path) : .systemCall("open", device: device.path, errno)
        } catch {
            throw .systemCall("open", device: device.path, .ioError)
        }
        let channel = HCIChannel(fd: fd, device: device.path, ownsController: options.ownsController)
        defer { channel.close() }
        let session = ControllerSession(channel: channel, logger: logger, metrics: metrics)
        var setup = try await session.bringUp(options)
        var converter = ObservationConverter(sensor: sensor, resolver: resolver)
        var resets = 0
        while true {
            do throws(BLECaptureError) {
                try await session.scan(converter: &converter, clock: timing.now, handler: onObservation, onAdvertisement: onAdvertisement)
                break
            } catch {
                // A hardware error leaves the controller needing a reset; we own it, so reset
                // and set it up again, a few times.
                guard case .controller(.hardwareError, _) = error, resets < hardwareErrorResets, options.ownsController else { throw error }
                // A hardware error while it is set up again counts against the same few resets
                // (it ended the source at once).
                var failure = error
                while true {
                    resets += 1
                    metrics.recoveries.increment()
                    logger.warning("\(failure); resetting the controller (\(resets) of \(hardwareErrorResets))")
                    do throws(BLECaptureError) {
                        setup = try await session.bringUp(options)
                        break
                    } catch {
                        guard case .controller(.hardwareError, _) = error, resets < hardwareErrorResets else { throw error }
                        failure = error
                    }
                }
            }
        }
        if channel.skippedBytes > 0 {
            logger.notice("resynchronised after garbage", metadata: ["skipped_bytes": "\(channel.skippedBytes)"])
        }
        await session.tearDown(setup)
    }
}
