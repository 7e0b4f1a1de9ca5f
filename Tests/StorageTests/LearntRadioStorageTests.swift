import FootfallCore
import Foundation
import GRDB
import Testing

@testable import Storage

/// The `learnt_radio` table: what the locator learnt of the store's radio, kept across a
/// restart; each save replaces the last.
@Suite struct LearntRadioStorageTests {
    static let values = [
        LearntRadioValue(
            radio: .ble, kind: .sensorGain, sensor: "s1", value: -1.25, devices: 14.5, basis: "1.00 2.00 3.00 1.20 -59.00 2.20",
            spread: .init(mean: -1.5, meanSquare: 6.25, places: 9)),
        LearntRadioValue(radio: .ble, kind: .sensorGain, sensor: "s2", value: 0.5, devices: 3, basis: "4.00 2.00 3.00 1.20 -59.00 2.20"),
        LearntRadioValue(radio: .ble, kind: .exponentDeviation, sensor: nil, value: -0.08, devices: 200, basis: "2.20"),
        LearntRadioValue(radio: .wifi, kind: .sensorGain, sensor: "s1", value: 2, devices: 1, basis: "1.00 2.00 3.00 1.20 -45.00 3.00"),
    ]

    static func sorted(_ values: [LearntRadioValue]) -> [LearntRadioValue] {
        values.sorted { ($0.radio.rawValue, $0.kind.rawValue, $0.sensor?.rawValue ?? "") < ($1.radio.rawValue, $1.kind.rawValue, $1.sensor?.rawValue ?? "") }
    }

    @Test func whatIsKeptIsReadBackAndTheNextSaveReplacesIt() throws {
        let database = try GatewayDatabase()
        let empty = try database.learntRadio()
        #expect(empty.values.isEmpty && empty.savedAt == nil)
        try database.replaceLearntRadio(Self.values, at: 1_000)
        let kept = try database.learntRadio()
        #expect(Self.sorted(kept.values) == Self.sorted(Self.values))
        #expect(kept.savedAt == 1_000)
        try database.replaceLearntRadio([Self.values[0]], at: 1_060)
        let replaced = try database.learntRadio()
        #expect(replaced.values == [Self.values[0]] && replaced.savedAt == 1_060)
    }

    @Test func aFileDatabaseKeepsItAcrossAReopen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("learnt-radio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gateway.sqlite").path
        try GatewayDatabase(path: path).replaceLearntRadio(Self.values, at: 5)
        let reopened = try GatewayDatabase(path: path).learntRadio()
        #expect(Self.sorted(reopened.values) == Self.sorted(Self.values))
    }

    /// A row a newer version wrote, of a radio or kind this one does not know, is left out.
    @Test func aRowOfAnUnknownRadioOrKindIsLeftOut() throws {
        let database = try GatewayDatabase()
        try database.replaceLearntRadio([Self.values[0]], at: 1)
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO learnt_radio (radio, kind, sensor, value, devices, basis, saved_at)
                VALUES ('uwb', 'sensor_gain', 's1', 1, 1, '', 1), ('ble', 'antenna_tilt', 's1', 1, 1, '', 1)
                """)
        }
        #expect(try database.learntRadio().values == [Self.values[0]])
    }

    /// A gateway's database from the version before: opened by this one, its table gains the
    /// columns, its rows read back as gains alone, and the next save keeps the spread.
    @Test func anOlderGatewaysDatabaseIsUpgradedInPlace() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("learnt-radio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gateway.sqlite").path
        do {
            let older = try DatabaseQueue(path: path)
            try GatewayDatabase.migrator.migrate(older, upTo: "v4-learnt-radio")
            try older.write { db in
                try db.execute(sql: """
                    INSERT INTO learnt_radio (radio, kind, sensor, value, devices, basis, saved_at)
                    VALUES ('ble', 'sensor_gain', 's1', -2, 40, 'b', 3)
                    """)
            }
        }
        let database = try GatewayDatabase(path: path)
        #expect(try database.learntRadio().values == [LearntRadioValue(radio: .ble, kind: .sensorGain, sensor: "s1", value: -2, devices: 40, basis: "b")])
        try database.replaceLearntRadio(Self.values, at: 9)
        #expect(Self.sorted(try database.learntRadio().values) == Self.sorted(Self.values))
    }

    /// A gain kept before what its devices taught was kept (the columns NULL) is read back as a
    /// gain alone, which the locator keeps to the prior.
    @Test func aGainKeptWithoutWhatItsDevicesTaughtIsReadBackWithout() throws {
        let database = try GatewayDatabase()
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO learnt_radio (radio, kind, sensor, value, devices, basis, saved_at)
                VALUES ('ble', 'sensor_gain', 's3', 1.5, 20, 'b', 7)
                """)
        }
        let kept = try database.learntRadio().values
        #expect(kept == [LearntRadioValue(radio: .ble, kind: .sensorGain, sensor: "s3", value: 1.5, devices: 20, basis: "b")])
        #expect(kept.first?.spread == nil)
    }
}
