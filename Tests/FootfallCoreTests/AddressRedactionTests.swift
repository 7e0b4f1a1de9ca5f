import FootfallCore
import Testing

/// Addresses masked in text that leaves the gateway (errors that quote a refused value).
@Suite struct AddressRedactionTests {
    @Test func everyWrittenFormOfAnAddressIsMasked() {
        let cases: [(String, String)] = [
            ("rssi: 'ble:c0:11:22:33:44:55' is not a number", "rssi: 'ble:<address>' is not a number"),
            ("wifi:3C:E1:A1:AD:EA:18", "wifi:<address>"),
            ("ble-rpa:40:00:00:00:00:01 and 00-1b-63-84-45-e6.", "ble-rpa:<address> and <address>."),
            (#"expected ':' after member "4a1f22900c3e""#, #"expected ':' after member "<address>""#),
            ("c0:11:22:33:44:55", "<address>"),
            ("eui 00:11:22:ff:fe:33:44:55; c0:11:22:33:44:55:66", "eui <address>; <address>"),
            ("0xC01122334455 and c011.2233.4455", "0x<address> and <address>"),
            ("001122334455 is heard", "<address> is heard"),
            ("sensor 'DE_AD_BE_EF_00_23' and 'dead-beef-0024'", "sensor '<address>' and '<address>'"),
            ("node dead.beef.0043", "node <address>"),
        ]
        for (text, masked) in cases {
            #expect(AddressRedaction.redacted(text) == masked, "\(text)")
        }
    }

    @Test func textThatIsNoAddressIsLeftAsItIs() {
        for text in [
            "t.csv:3:9: rssi: 'abc' is not a number; RSSI is dBm, like -67",
            "12:30:45", "1767603600.125", "sensor 'front-left' is not in the store configuration",
            "c0:11:22:33:44", "c0:11:22:33:44:55x", "c0:11-22:33:44:55", "xc0:11:22:33:44:55",
            "4a1f22900c3e7", "g4a1f22900c3e", "4a1f22900c3", "", "née: ü",
            "176760360012.0 is not a time", "c011.2233.445", "c011.2233.44556", "1x4a1f22900c3e",
            "c011-2233-445", "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:7", "f782-4fa2-4e98-8024",
        ] {
            #expect(AddressRedaction.redacted(text) == text, "\(text)")
        }
    }

    @Test func aTraceLineWithAnAddressInTheWrongColumnIsRefusedWithoutIt() throws {
        let reader = try TraceReader(text: "time,sensor,device,rssi\n1,s1,ble:c0:11:22:33:44:55,-60\n2,s1,-60,ble:c0:11:22:33:44:55\n", name: "t.csv")
        _ = try reader.read()
        let error = try #require(throws: FormatError.self) { try reader.read() }
        #expect(error.description == "t.csv:3:10: rssi: 'ble:<address>' is not a number; RSSI is dBm, like -67")
    }
}
