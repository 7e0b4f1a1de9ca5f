import BLE
import FootfallCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SystemPackage

/// Replays a btsnoop file (datalinks 1001, 1002 and BlueZ monitor 2001): every advertising
/// report the controller sent becomes an observation stamped with the record's own time,
/// delivered as fast as possible or at the speed it was recorded.
public struct BtsnoopReplaySource: Service {
    /// The longest a paced replay waits for one record (s): a year.
    static let longestWait = 365 * 86_400.0
    public enum Speed: Sendable, Hashable {
        case asFastAsPossible
        /// Waits between records as long as the recording did (scaled: 2 = twice as fast).
        case recorded(factor: Double = 1)
    }

    public var path: String
    public var sensor: SensorID
    public var resolver: IdentityResolver
    public var speed: Speed
    public var logger: Logger
    public var onObservation: ObservationHandler
    /// Also called for each observation, with its advertising report.
    public var onAdvertisement: AdvertisementHandler?
    /// Counters; replace to count into another factory (tests do).
    public var metrics = BLECaptureMetrics(source: "btsnoop")

    public init(
        path: String, sensor: SensorID, resolver: IdentityResolver = IdentityResolver(),
        speed: Speed = .asFastAsPossible, logger: Logger, onObservation: @escaping ObservationHandler
    ) {
        self.path = path
        self.sensor = sensor
        self.resolver = resolver
        self.speed = speed
        self.logger = logger
        self.onObservation = onObservation
    }

    /// What a replay found.
    public struct Summary: Sendable, Hashable {
        public var records = 0
        public var advertisingReportEvents = 0
        public var observations = 0
        public var undecodableEvents = 0
        /// Records left out for a time no capture has: before 1970 or far in the future, or a
        /// day or more from both the record before and the last one taken (a corrupt stamp).
        public var badTimes = 0
        /// The first of them: its record number, from 1.
        public var firstBadTime: Int?
        /// The first undecodable event's record number and what was wrong.
        public var firstUndecodable: String?
    }

    /// How far (s) a record's time may lie from the last one taken: a capture's records come in
    /// time order, and a device left scanning over a weekend is the longest gap a real one has —
    /// after such a gap, two records that agree are taken.
    static let mostJump = 86_400.0

    /// Whether `path` is a btsnoop capture this source reads — its 16-byte header (magic,
    /// version, a datalink whose records are read) — opened and closed again (`run --check`).
    public static func check(file path: String) throws(BLECaptureError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .systemCall("open", device: path, Errno(rawValue: errno))
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        var parser = BtsnoopParser()
        parser.feed(Array(header))
        do throws(HCIDecodingError) {
            _ = try parser.next()
        } catch {
            throw .badCapture(file: path, error.description)
        }
        if parser.datalink == nil { throw .badCapture(file: path, "file is shorter than the 16-byte btsnoop header") }
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            _ = try await self.replay()
        }
    }

    /// Replays the whole file (or until cancelled) and says what it found.
    public func replay() async throws(BLECaptureError) -> Summary {
        let fd: SystemPackage.FileDescriptor
        do {
            fd = try SystemPackage.FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch {
            throw .systemCall("open", device: path, error as? Errno ?? .ioError)
        }
        defer { try? fd.close() }
        var parser = BtsnoopParser()
        var converter = ObservationConverter(sensor: sensor, resolver: resolver)
        var summary = Summary()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let clock = ContinuousClock()
        let start = clock.now
        var firstTime: Double?
        var lastTaken: Double?, lastSeen: Double?
        while !Task.isCancelled {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw .systemCall("read", device: path, error as? Errno ?? .ioError)
            }
            if count == 0 { break }
            parser.feed(chunk[0..<count])
            while true {
                let record: BtsnoopRecord
                do throws(HCIDecodingError) {
                    guard let next = try parser.next() else { break }
                    record = next
                } catch {
                    throw .badCapture(file: path, error.description)
                }
                summary.records += 1
                guard let datalink = parser.datalink, let packet = record.packet(datalink: datalink),
                      packet.type == .event, packet.direction == .controllerToHost else { continue }
                // One corrupt stamp (a year ahead, before 1970) would move the pipeline's clock
                // with it, ending every visit, and a paced replay would wait for it.
                let seen = lastSeen
                lastSeen = record.time
                guard Observation.timeProblem(record.time) == nil,
                      lastTaken.map({ abs(record.time - $0) < Self.mostJump }) ?? true
                        || seen.map({ abs(record.time - $0) < 60 }) ?? false
                else {
                    summary.badTimes += 1
                    if summary.firstBadTime == nil {
                        summary.firstBadTime = record.index
                        logger.warning("\(path): record \(record.index) is stamped \(record.time) s, a time no capture has beside its neighbours; records like it are left out (counted in the summary)")
                    }
                    continue
                }
                lastTaken = record.time
                if case .recorded(let factor) = speed {
                    let offset = record.time - (firstTime ?? record.time)
                    if firstTime == nil { firstTime = record.time }
                    // At most a year ahead: a record stamped centuries on (a corrupt stamp) is
                    // no wait a Duration can hold.
                    let wait = min(max(offset / max(factor, 0.000_001), 0), Self.longestWait)
                    let due = start.advanced(by: .seconds(wait.isFinite ? wait : 0))
                    if due > clock.now {
                        do { try await clock.sleep(until: due) } catch { return summary }
                    }
                }
                let before = summary.observations
                var isReport = false
                do throws(HCIDecodingError) {
                    try converter.forEachAdvertisement(inEvent: packet.packet, time: record.time) { observation, report in
                        summary.observations += 1
                        onObservation(observation)
                        onAdvertisement?(observation, report)
                    }
                    isReport = Self.isAdvertisingReport(packet.packet)
                } catch {
                    summary.undecodableEvents += 1
                    if summary.firstUndecodable == nil { summary.firstUndecodable = "record \(record.index): \(error)" }
                    metrics.undecodableEvents.increment()
                    logger.debug("record \(record.index): \(error)")
                }
                if isReport || summary.observations > before { summary.advertisingReportEvents += 1 }
                if summary.observations > before { metrics.advertisements.increment(by: Int64(summary.observations - before)) }
            }
        }
        if parser.datalink == nil {
            throw .badCapture(file: path, "file is shorter than the 16-byte btsnoop header")
        }
        if parser.pendingBytes > 0 {
            logger.warning("\(path) ends \(parser.pendingBytes) bytes into a record; the capture was cut short")
        }
        return summary
    }

    static func isAdvertisingReport(_ packet: ByteBuffer) -> Bool {
        guard packet.getInteger(at: packet.readerIndex, as: UInt8.self) == HCIEvent.Code.leMeta,
              let subevent = packet.getInteger(at: packet.readerIndex + 2, as: UInt8.self) else { return false }
        return [LEMetaEvent.Subevent.advertisingReport, LEMetaEvent.Subevent.directedAdvertisingReport,
                LEMetaEvent.Subevent.extendedAdvertisingReport].contains(subevent)
    }
}
