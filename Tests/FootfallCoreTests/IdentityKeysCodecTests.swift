import FootfallCore
import Testing

/// `identity.identity_keys`: `name,irk` lines; each bad line names its file, line, column and
/// field and says what to write instead.
@Suite struct IdentityKeysCodecTests {
    @Test func keysAreReadMostSignificantByteFirstWithOrWithoutSeparators() throws {
        let keys = try IdentityKeysCodec.read(text: """
            name,irk
            loyalty-42,ec0234a357c8ad05341010a60a397d9b

            staff.badge_7,00112233445566778899aabbccddeeff
            """)
        #expect(keys.map(\.name) == ["loyalty-42", "staff.badge_7"])
        #expect(keys[0].bytes.count == 16)
        #expect(keys[0].bytes.first == 0xEC && keys[0].bytes.last == 0x9B)
        // The same key written with separators, in capitals, in another file.
        let grouped = try IdentityKeysCodec.read(text: "name,irk\nloyalty-42,EC:02:34:A3:57:C8:AD:05:34:10:10:A6:0A:39:7D:9B\n")
        #expect(grouped[0].bytes == keys[0].bytes)
    }

    @Test func columnsMayComeInEitherOrder() throws {
        let keys = try IdentityKeysCodec.read(text: "irk,name\nec0234a357c8ad05341010a60a397d9b,alice\n")
        #expect(keys.map(\.name) == ["alice"])
    }

    @Test(arguments: [
        ("name,irk\nalice,ec0234a357c8ad05341010a60a397d9\n", "k.csv:2:7: irk: is not 32 hex digits"),
        ("name,irk\nalice-phone-longname,zz0234a357c8ad05341010a60a397d9b\n", "k.csv:2:22: irk: is not 32 hex digits"),
        ("name,irk\nal ice,ec0234a357c8ad05341010a60a397d9b\n", "k.csv:2:1: name: 'al ice' is not a key name"),
        ("name,irk\n,ec0234a357c8ad05341010a60a397d9b\n", "k.csv:2:1: name: '' is not a key name"),
        ("name,irk\na,ec0234a357c8ad05341010a60a397d9b\na,ec0234a357c8ad05341010a60a397d9c\n", "k.csv:3:1: name: 'a' names two keys"),
        ("name,irk\nalice\n", "k.csv:2: expected `name,irk`"),
        ("name,irk\nalice,00000000000000000000000000000000\n", "k.csv:2:7: irk: is all zeros"),
        ("name,irk\na,ec0234a357c8ad05341010a60a397d9b\nb,EC0234A357C8AD05341010A60A397D9B\n", "k.csv:3:3: irk: is also the key of 'a'"),
        ("", "k.csv:1: is empty; it starts with the header `name,irk`"),
    ])
    func aBadLineNamesItsPlace(text: String, expected: String) {
        #expect {
            try IdentityKeysCodec.read(text: text, name: "k.csv")
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }

    @Test func aWrongHeaderSaysWhatTheHeaderIs() {
        #expect {
            try IdentityKeysCodec.read(text: "device,key\na,b\n", name: "k.csv")
        } throws: { error in
            "\(error)".hasPrefix("k.csv:1") && "\(error)".contains("name,irk") && !"\(error)".hasSuffix("optional ")
        }
    }

    @Test func theStoreFileNamesTheKeysFile() throws {
        let configuration = try StoreConfiguration.parse(yaml: """
            store:
              id: s
              outline: [[0, 0], [10, 0], [10, 10], [0, 10]]
            zones:
              - id: a
                polygon: [[0, 0], [10, 0], [10, 10], [0, 10]]
            sensors:
              - id: s1
                position: [5, 5, 2.8]
            identity:
              identity_keys: keys.csv
            """, file: "store.yaml")
        #expect(configuration.identity.identityKeys == "keys.csv")
    }
}
