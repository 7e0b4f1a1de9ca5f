import Capture
import Testing

/// A sensor gateway's batch read straight from its bytes: every member with its value when each
/// has the type the batch asks for, nil (so that the caller decodes it whole and says what is
/// wrong) for anything else.
@Suite struct PlainSensorBatchTests {
    static func read(_ text: String) -> PlainSensorBatch? { PlainSensorBatch.read(Array(text.utf8)) }

    @Test func aPlainBatchIsReadWithEveryMember() {
        let batch = Self.read(#"""
            {"sent_at": 1767603600.5, "sensor": "s8", "ignored": true, "observations": [
              {"time": 1767603600.25, "device": "ble-rpa:40:00:00:00:00:01", "rssi": -70, "tx_power": -59, "radio": "ble", "channel": 37},
              {"time": 1767603600, "device": "wifi:02:00:00:00:00:07", "rssi": -81.5, "tx_power": null, "radio": "wifi"}]}
            """#)
        #expect(batch == PlainSensorBatch(sensor: "s8", sentAt: 1_767_603_600.5, observations: [
            .init(time: 1_767_603_600.25, device: "ble-rpa:40:00:00:00:00:01", rssi: -70, txPower: -59, radio: "ble", channel: 37),
            .init(time: 1_767_603_600, device: "wifi:02:00:00:00:00:07", rssi: -81.5, txPower: nil, radio: "wifi", channel: nil),
        ]))
        #expect(Self.read(#"{"sensor":"s8","sent_at":1,"observations":[]}"#)?.observations == [])
    }

    @Test func aMemberMissingOrOfAnotherTypeOrAnythingButPlainJSONIsLeftToTheWholeDecoder() {
        let item = #""time":1,"device":"d","rssi":-70"#
        let refused = [
            #"{"sent_at":1,"observations":[]}"#,
            #"{"sensor":"s8","observations":[]}"#,
            #"{"sensor":"s8","sent_at":1}"#,
            #"{"sensor":8,"sent_at":1,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":"1","observations":[]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":5}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{"device":"d","rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{"time":null,"device":"d","rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{"time":1,"device":7,"rssi":-70}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{"time":1,"device":"d","rssi":"-70"}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{\#(item),"tx_power":"-59"}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{\#(item),"radio":1}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{\#(item),"channel":true}]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{\#(item),"extra":{"a":1}}]}"#,
            #"{"sensor":"s\u0038","sent_at":1,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1e999,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[]"#,
            // Where decoders differ, left to the whole decoder: a name twice, a number outside
            // RFC 8259's grammar, a string that is not UTF-8.
            #"{"sensor":"s8","sensor":"s9","sent_at":1,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[],"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[],"observations":5}"#,
            #"{"sensor":"s8","sent_at":1,"observations":[{\#(item),"rssi":-71}]}"#,
            #"{"sensor":"s8","sent_at":01,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1.,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":-.5,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":1e,"observations":[]}"#,
            #"{"sensor":"s8","sent_at":+1,"observations":[]}"#,
            #"[]"#,
            "",
        ]
        for text in refused {
            #expect(Self.read(text) == nil, "\(text)")
        }
        var invalid = Array(#"{"sensor":"s8","sent_at":1,"observations":[{"time":1,"device":"d"#.utf8)
        invalid += [0xFF] + Array(#"","rssi":-70}]}"#.utf8)
        #expect(PlainSensorBatch.read(invalid) == nil, "a string that is not UTF-8")
        for number in ["0", "-0", "1.5", "-12.25e-3", "1E+2", "1767603600.125"] {
            #expect(Self.read(#"{"sensor":"s8","sent_at":\#(number),"observations":[]}"#) != nil, "\(number) is a JSON number")
        }
        #expect(Self.read(#"{"sensor":"s8","sent_at":1,"observations":[{\#(item)}]}"#) != nil, "the same with good members is read")
    }
}
