import BLE
import FootfallCore
import Logging
import NIOCore

/// Runs a controller over an `HCIChannel`: brings it up with `ControllerSetup`, turns every
/// advertising report into an observation until cancelled or the controller goes away, and
/// puts it back (scanning off) on the way out.
struct ControllerSession {
    let channel: HCIChannel
    let logger: Logger
    let metrics: BLECaptureMetrics
    /// How long a command may go unanswered.
    var responseTimeoutMilliseconds: Int32 = 2_000

    /// Sends the setup's commands one by one; returns the setup once scanning.
    func bringUp(_ options: ControllerSetup.Options) async throws(BLECaptureError) -> ControllerSetup {
        var setup = ControllerSetup(options: options)
        var action = setup.start()
        while true {
            switch action {
            case .send(let command):
                logger.debug("HCI command", metadata: ["command": "\(command.opcode)"])
                try channel.send(command)
                action = try await awaitAnswer(&setup, to: command)
            case .scanning(let info):
                if let (opcode, status) = setup.fellBackToLegacy {
                    logger.notice("the controller refused \(opcode) (\(status)); scanning with legacy commands")
                }
                logger.info("scanning", metadata: [
                    "device": "\(channel.device)",
                    // The controller's own address, but an address all the same: none reaches a
                    // log whole (the last two pairs tell two adapters apart).
                    "address": "\(info.address.map { "…:" + "\($0)".split(separator: ":").suffix(2).joined(separator: ":") } ?? "?")",
                    "extended": "\(info.usesExtendedScanning)",
                ])
                return setup
            case .fail(let error):
                throw .controller(error, device: channel.device)
            case .wait:
                action = try await awaitAnswer(&setup, to: setup.pendingCommand ?? .reset)
            }
        }
    }

    /// Reads until the command is answered, for `responseTimeoutMilliseconds` by the clock: a
    /// controller that keeps sending advertising reports while it leaves the command unanswered
    /// is timed out too (counting empty reads only, it never was). A stop meanwhile waits for
    /// the answer (at most that long), so that the controller is put back as it was set up.
    private func awaitAnswer(_ setup: inout ControllerSetup, to command: HCICommand) async throws(BLECaptureError) -> ControllerSetup.Action {
        let deadline = ContinuousClock.now + .milliseconds(Int64(responseTimeoutMilliseconds))
        while ContinuousClock.now < deadline {
            let packets = try await channel.receive(milliseconds: 100)
            for (index, packet) in packets.enumerated() {
                guard let event = try? HCIEventDecoder.decode(packet.packet) else { continue }
                let action = setup.receive(event)
                if action != .wait {
                    // Reports may follow the answer in the same read: keep them for `scan`.
                    channel.pushBack(packets[(index + 1)...])
                    return action
                }
            }
        }
        throw .controller(.noResponse(command.opcode, seconds: Double(responseTimeoutMilliseconds) / 1000), device: channel.device)
    }

    /// Delivers observations until the task is cancelled (returns) or the controller fails
    /// (throws).
    func scan(
        converter: inout ObservationConverter, clock: @Sendable () -> Double, handler: ObservationHandler,
        onAdvertisement: AdvertisementHandler? = nil
    ) async throws(BLECaptureError) {
        var decodeErrors = 0
        while !Task.isCancelled {
            let packets = try await channel.receive(milliseconds: 100)
            let now = clock()
            let skipped = channel.takeNewlySkippedBytes()
            if skipped > 0 { metrics.resynchronisedBytes.increment(by: Int64(skipped)) }
            var heard = 0
            for packet in packets {
                if packet.packet.getInteger(at: packet.packet.readerIndex, as: UInt8.self) == HCIEvent.Code.hardwareError,
                   case .hardwareError(let code)? = try? HCIEventDecoder.decode(packet.packet) {
                    throw BLECaptureError.controller(.hardwareError(code: code), device: channel.device)
                }
                do throws(HCIDecodingError) {
                    if let onAdvertisement {
                        try converter.forEachAdvertisement(inEvent: packet.packet, time: now) { observation, report in
                            heard += 1
                            handler(observation)
                            onAdvertisement(observation, report)
                        }
                    } else {
                        try converter.forEachObservation(inEvent: packet.packet, time: now) { observation in
                            heard += 1
                            handler(observation)
                        }
                    }
                } catch {
                    decodeErrors += 1
                    metrics.undecodableEvents.increment()
                    logger.debug("undecodable event", metadata: ["error": "\(error)", "count": "\(decodeErrors)"])
                }
            }
            if heard > 0 { metrics.advertisements.increment(by: Int64(heard)) }
        }
    }

    /// Best effort: the controller may already be gone.
    func tearDown(_ setup: ControllerSetup) async {
        for command in setup.teardownCommands {
            do {
                try channel.send(command)
                // Half a second by the clock, reports arriving or not (a stop is under way: not
                // cancelled by it, which would skip putting the controller back).
                let deadline = ContinuousClock.now + .milliseconds(500)
                answered: while ContinuousClock.now < deadline {
                    let packets = try await channel.receive(milliseconds: 100)
                    for packet in packets {
                        if case .commandComplete(let complete)? = try? HCIEventDecoder.decode(packet.packet), complete.opcode == command.opcode {
                            break answered
                        }
                    }
                }
            } catch {
                logger.debug("teardown: \(error)")
                return
            }
        }
    }
}
