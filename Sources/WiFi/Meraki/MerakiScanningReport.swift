import FootfallCore

/// One Meraki Scanning API webhook body (v2 `DevicesSeen`/`BluetoothDevicesSeen`, v3 `WiFi`/
/// `Bluetooth`): the clients the network's access points heard, with their signal per AP.
public struct MerakiScanningReport: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case wifi, bluetooth
        public var radio: Radio { self == .wifi ? .wifi : .ble }
    }

    /// `"2.0"` or `"3.0"`.
    public var version: String
    public var kind: Kind
    /// v3 `data.networkId`; nil in v2.
    public var networkID: String?
    public var clients: [Client]
    /// Clients left out because their part of the body did not decode (a reading without its
    /// signal, a broken address), and the first one's error.
    public var skippedClients = 0
    public var firstSkipped: MerakiError?

    /// A client device and what the access points heard of it.
    public struct Client: Hashable, Sendable {
        public var mac: MACAddress
        /// One reading per access point from `rssiRecords` where present, otherwise the
        /// nearest AP's (`latestRecord` in v3, the reporting AP in v2).
        public var readings: [Reading]
        public var manufacturer: String?
        public var os: String?
        public var ssid: String?
        /// Bluetooth advertisements as received (`bleBeacons[].rawData`), AD structures
        /// undecoded: the BLE module decodes beacon identities from them.
        public var bleBeacons: [BLEBeacon]

        public init(mac: MACAddress, readings: [Reading], manufacturer: String? = nil, os: String? = nil, ssid: String? = nil, bleBeacons: [BLEBeacon] = []) {
            self.mac = mac
            self.readings = readings
            self.manufacturer = manufacturer
            self.os = os
            self.ssid = ssid
            self.bleBeacons = bleBeacons
        }
    }

    public struct Reading: Hashable, Sendable {
        /// Seconds since the Unix epoch.
        public var time: Double
        public var accessPoint: MACAddress
        /// dBm.
        public var rssi: Double

        public init(time: Double, accessPoint: MACAddress, rssi: Double) {
            self.time = time
            self.accessPoint = accessPoint
            self.rssi = rssi
        }
    }

    public struct BLEBeacon: Hashable, Sendable {
        public var rawAdvertisement: [UInt8]
        /// Meraki's own classification (`"unknown"`, `"iBeacon"`, …).
        public var bleType: String?

        public init(rawAdvertisement: [UInt8], bleType: String?) {
            self.rawAdvertisement = rawAdvertisement
            self.bleType = bleType
        }
    }

    /// The observations for the pipeline: one per reading, the access point as the sensor
    /// (its MAC, lowercase), the client as `device(of:)` names it.
    public var observations: [Observation] {
        clients.flatMap { client in
            let device = device(of: client)
            return client.readings.map { reading in
                Observation(
                    time: reading.time, sensor: SensorID(reading.accessPoint.description),
                    device: device, rssi: reading.rssi, radio: kind.radio
                )
            }
        }
    }

    /// A client's device id: `wifi:<mac>`, or for a Bluetooth client the address as a relay
    /// hears it (`DeviceID.relayedBluetooth`: Meraki does not say whether it is public or
    /// random, so only a static random one is stable; a phone's rotating address is `ble-rpa:`,
    /// counted, never profiled, and resolved by a registered identity key).
    public func device(of client: Client) -> DeviceID {
        kind == .wifi ? DeviceID("wifi:\(client.mac)") : DeviceID.relayedBluetooth(address: client.mac.description)
    }
}
