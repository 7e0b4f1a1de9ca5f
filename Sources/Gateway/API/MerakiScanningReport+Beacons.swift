import BLE
import FootfallCore
import WiFi

extension MerakiScanningReport {
    /// The observations with Bluetooth clients identified by the beacon their raw advertisement
    /// carries (decoded by the BLE module): an iBeacon, AltBeacon or Eddystone-UID id and its
    /// measured power instead of the client's address. Clients without a beacon, and Wi-Fi
    /// clients, keep their address id.
    public var observationsWithBeacons: [Observation] {
        clients.flatMap { client -> [Observation] in
            var device = device(of: client)
            var txPower: Int?
            if kind == .bluetooth {
                for raw in client.bleBeacons {
                    guard let data = try? AdvertisingData(parsing: raw.rawAdvertisement), let beacon = data.beacon,
                          let id = beacon.deviceID else { continue }
                    device = id
                    txPower = beacon.txPowerAt1m
                    break
                }
            }
            return client.readings.map { reading in
                Observation(
                    time: reading.time, sensor: SensorID(reading.accessPoint.description), device: device,
                    rssi: reading.rssi, txPower: txPower, radio: kind.radio)
            }
        }
    }
}
