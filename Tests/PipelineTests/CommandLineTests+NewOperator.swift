import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// What a new operator met on the command line (issue 17): a trace of another store, negative
/// numbers, a source option's line, wrapped help.
extension CommandLineTests {
    @Test func aTraceWhoseSensorsAreNoneOfTheStoresNamesThemWithTheirFirstLineAndFails() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,S1,d1,-60\n2,S2,d1,-61\n3,S1,d1,-62\n", "t.csv", in: directory)
        let events = try write("kept\n", "events.jsonl", in: directory)
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store", "--events", events])
        expectOneLineFailure(result, mentioning: [
            "none of its sensors is in calibration/demo-store/store.yaml", "'S1' (first at \(trace):2, 2 readings)",
            "'S2' (first at \(trace):3, 1 reading)", "s1, s2, s3",
        ])
        #expect(try String(contentsOfFile: events, encoding: .utf8) == "kept\n", "a failed replay leaves its output as it was")
    }

    /// A trace whose time goes back (out of order, or put together from two recordings) is
    /// replayed on from the clock, and the summary says so instead of passing it over.
    @Test func aTraceWhoseTimeGoesBackIsReplayedOnAndTheSummarySaysSo() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1000,s1,d1,-60\n1001,s2,d1,-61\n500,s1,d1,-62\n501,s2,d1,-60\n", "t.csv", in: directory)
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains(
            "the trace's time jumped 1 time (first at \(trace):4) (back by more than 30 s, or on by more than 7 days): the readings after each were replayed on from the clock; sort the trace by time if that is not what the recording did"),
            "\(result.standardOutput)")
        // One sensor's clock behind the others' (a merged recording kept in its order), and one
        // reading stamped 1970: that sensor is named with its line, the others' readings keep
        // their time, and the analytics span the recording, not 1970 to now (audit: totals 0).
        var merged = "time,sensor,device,rssi\n"
        for t in 0..<120 {
            merged += "\(1000 + t),s1,ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:1,-60\n"
            merged += "\(1000 + t - 45).5,s2,ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:1,-62\n"
            merged += "\(1000 + t).7,s3,ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:1,-70\n"
            if t == 60 { merged += "5,s3,ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:1,-70\n" }
        }
        let skewed = try write(merged, "m.csv", in: directory)
        let analytics = directory.appendingPathComponent("m.json").path
        let replayed = try await FootfallProcess.run(["replay", skewed, "--store", "demo-store", "--analytics", analytics])
        #expect(replayed.status == 0, "\(replayed.standardError)")
        #expect(replayed.standardOutput.contains(
            "the readings of 's2' (first at \(skewed):3, 1 time), 's3' (first at \(skewed):185, 1 time) lay more than 30 s from the other sensors' in the trace's order"),
            "\(replayed.standardOutput)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: analytics))) as? [String: Any])
        #expect((summary["buckets"] as? [Any])?.count == 1, "one hour, not decades")
        #expect(((summary["totals"] as? [String: Any])?["visitors"] as? Int) == 1, "\(summary["totals"] ?? "")")
        let sorted = try write("time,sensor,device,rssi\n1000,s1,d1,-60\n1001,s2,d1,-61\n", "s.csv", in: directory)
        let clean = try await FootfallProcess.run(["replay", sorted, "--store", "demo-store"])
        #expect(!clean.standardOutput.contains("jumped"), "\(clean.standardOutput)")
    }

    /// `run --check` makes every check `run` makes of its configuration, and starts nothing:
    /// what a layout check (`zones check`) does not look at — sources, sinks, identity files —
    /// is refused in one line, and a good file leaves no data directory behind.
    @Test func runCheckRefusesWhatRunRefusesAndStartsNothing() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        let good = try await FootfallProcess.run(["run", "--config", Fixtures.store("demo-store").path, "--data", data, "--check"])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.contains("ready to run: 1 source, 1 sink, the API on http://127.0.0.1:"), "\(good.standardOutput)")
        #expect(good.standardOutput.contains("data in \(data)"), "\(good.standardOutput)")
        #expect(!FileManager.default.fileExists(atPath: data), "the data directory is left alone")
        let demo = try String(contentsOf: Fixtures.store("demo-store"), encoding: .utf8)
        // A capture of plain 802.11 (link type 105, no radio header): its probe requests carry
        // no signal. Refused by --check, not a second after the start.
        let plain = directory.appendingPathComponent("plain.pcap")
        try Data([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 105, 0, 0, 0]).write(to: plain)
        let breaks: [(String, String, [String])] = [
            ("  - type: simulate\n    shoppers_per_hour: 300\n", "  - type: pcap\n    sensor: s1\n    path: \(plain.path)\n", ["sources[pcap].path", "link type 105", "carries no signal strength"]),
            // Not a btsnoop capture at all (the pcap above): refused by its header, not at the start.
            ("  - type: simulate\n    shoppers_per_hour: 300\n", "  - type: btsnoop\n    sensor: s1\n    path: \(plain.path)\n", ["sources[btsnoop].path", "is not a readable btsnoop capture"]),
            ("  - type: simulate\n", "  - type: telepathy\n", ["sources[telepathy].type", "is not a source this gateway knows"]),
            ("  - type: simulate\n    shoppers_per_hour: 300\n", "  - type: trace\n    path: nowhere.csv\n", ["sources[trace].path", "nowhere.csv does not exist"]),
            ("  - type: jsonl\n", "  - type: carrier-pigeon\n", ["sinks[0]", "carrier-pigeon"]),
        ]
        for (index, (old, new, mentions)) in breaks.enumerated() {
            #expect(demo.contains(old), "\(old)")
            let store = try write(demo.replacingOccurrences(of: old, with: new), "store-\(index).yaml", in: directory)
            let zones = try await FootfallProcess.run(["zones", "check", "--store", store])
            #expect(zones.status == 0, "a layout check does not look at \(new)")
            let result = try await FootfallProcess.run(["run", "--config", store, "--data", data, "--check"])
            expectOneLineFailure(result, mentioning: mentions)
        }
        #expect(!FileManager.default.fileExists(atPath: data))
        let file = try write("not a directory\n", "file", in: directory)
        let onAFile = try await FootfallProcess.run(["run", "--config", Fixtures.store("demo-store").path, "--data", file, "--check"])
        expectOneLineFailure(onAFile, mentioning: ["\(file) is a file, not a data directory"])
        let simulate = try write(demo.replacingOccurrences(of: "shoppers_per_hour: 300", with: "shoppers_per_hour: 300\n    seed: 1e30"), "seeded.yaml", in: directory)
        let seeded = try await FootfallProcess.run(["run", "--config", simulate, "--data", data, "--check"])
        expectOneLineFailure(seeded, mentioning: ["seed", "must be a whole number from 0"])
    }

    /// What `run` allows but exposes a secret, `--check` prints as warnings (and `run` logs):
    /// tokens on the store's network without TLS, a key file or the store file holding the
    /// tokens that every user may read (readable by others in folders open to them).
    @Test func runCheckWarnsOfSecretsInTheClearOrReadableByAll() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chmod(directory.path, 0o755) == 0)
        let keys = try write("name,irk\nphone,0102030405060708090a0b0c0d0e0f10\n", "keys.csv", in: directory)
        #expect(chmod(keys, 0o644) == 0)
        let demo = try Fixtures.demoStoreWithoutSources()
            .replacingOccurrences(of: "\nidentity:\n", with: "\nidentity:\n  identity_keys: keys.csv\n")
        let store = try write(
            demo + "\nsources:\n  - type: simulate\n\napi:\n  listen: 0.0.0.0:0\n  tokens: [0123456789abcdef0123456789abcdef]\n", "store.yaml", in: directory)
        let result = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(result.standardOutput)")
        #expect(lines.contains("warning: the store file \(store) is readable by every user of the gateway (mode 644); chmod o-r it"), "\(lines)")
        #expect(lines.contains("warning: the API listens on 0.0.0.0 without TLS: its tokens cross the store's network in clear; add api.tls (docs/api.md, \"TLS\")"), "\(lines)")
        #expect(lines.contains("warning: identity.identity_keys \(keys) is readable by every user of the gateway (mode 644); chmod o-r it"), "\(lines)")
        #expect(!result.standardOutput.contains("0123456789abcdef"), "no token printed")
        // In a folder closed to other users, the files' own modes expose nothing (as footfall
        // init's /etc/footfall, 2750).
        #expect(chmod(directory.path, 0o750) == 0)
        let closed = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check", "--listen", "127.0.0.1:0"])
        #expect(closed.standardOutput.split(separator: "\n").count == 1, "\(closed.standardOutput)")
        #expect(chmod(directory.path, 0o755) == 0)
        #expect(chmod(keys, 0o640) == 0 && chmod(store, 0o640) == 0)
        let quiet = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check", "--listen", "127.0.0.1:0"])
        #expect(quiet.standardOutput.split(separator: "\n").count == 1, "\(quiet.standardOutput)")
    }

    /// A sensor gateway's batches carry the devices' addresses: a plain link to another host
    /// (http:// or mqtt://) is warned of, saying so; https and a link on one host are not.
    @Test func runCheckWarnsOfASensorGatewaysPlainLinkToAnotherHost() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chmod(directory.path, 0o700) == 0)
        func warnings(_ upstream: String) async throws -> [String] {
            let store = try write(
                try Fixtures.demoStoreWithoutSources() + "\nsources:\n  - type: simulate\n\napi:\n  listen: 127.0.0.1:0\n" + upstream, "store.yaml", in: directory)
            let result = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check"])
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning:") }
        }
        let tokens = "  tokens:\n" + (1...8).map { "    s\($0): 7d1f0c2b\($0)\n" }.joined()
        let http = try await warnings("upstream:\n  url: http://10.0.4.2:8080\n" + tokens)
        #expect(http == ["warning: upstream.url is http:// to 10.0.4.2: the devices' addresses this gateway hears, and its sensor tokens, cross the network in clear; use https with upstream.ca_file (docs/configuration.md, \"What crosses the store's network\")"], "\(http)")
        let mqtt = try await warnings("upstream:\n  url: mqtt://10.0.4.2:1883\n")
        #expect(mqtt.count == 1 && mqtt[0].contains("mqtt:// to 10.0.4.2") && mqtt[0].contains("use mqtts://"), "\(mqtt)")
        #expect(try await warnings("upstream:\n  url: mqtt://127.0.0.1:1883\n").isEmpty)
        #expect(try await warnings("upstream:\n  url: https://10.0.4.2:8443\n" + tokens).isEmpty)
        // The locating gateway reading them from a broker on another host, in clear.
        let store = try write(
            try Fixtures.demoStoreWithoutSources() + "\nsources:\n  - type: mqtt\n    url: mqtt://10.0.4.2:1883\n    format: footfall\n\napi:\n  listen: 127.0.0.1:0\n", "store.yaml", in: directory)
        let locating = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check"])
        #expect(locating.status == 0, "\(locating.standardError)")
        #expect(locating.standardOutput.contains("warning: sources[0] reads sensor gateways' batches from mqtt:// on 10.0.4.2"), "\(locating.standardOutput)")
    }

    /// The API's connections are held within the process's open-file limit (out of
    /// descriptors, the runtime crashed the whole gateway): more asked for is said, and the
    /// limit the API takes.
    @Test func moreConnectionsThanTheOpenFileLimitLeavesAreSaidAndHeldWithinIt() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chmod(directory.path, 0o700) == 0)
        let store = try write(
            try Fixtures.demoStoreWithoutSources() + "\nsources:\n  - type: simulate\n\napi:\n  listen: 127.0.0.1:0\n  max_connections: 2000\n", "store.yaml", in: directory)
        let result = try await FootfallProcess.run(
            ["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check"], launcher: ["/usr/bin/prlimit", "--nofile=256:256"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("warning: api.max_connections 2000 is more than this process's open-file limit (256) leaves for connections: the API takes 128 at once"), "\(result.standardOutput)")
    }

    /// A live source's device that is not there (or not this user's to open) is a warning of
    /// `run --check`, with what to do: it may be plugged in by the time the gateway starts. (This
    /// machine's kernel has no Bluetooth sockets; one with them and no hci7 says that instead.)
    @Test func runCheckSaysWhatIsWrongWithALiveSourcesDevice() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(chmod(directory.path, 0o700) == 0)
        let sources = "\nsources:\n  - type: hci\n    adapter: hci7\n    sensor: s1\n  - type: h4\n    device: /dev/ttyFOOTFALL9\n    sensor: s2\n  - type: pcap\n    interface: nosuchwlan9\n    sensor: s3\n"
        let store = try write(try Fixtures.demoStoreWithoutSources() + sources + "\napi:\n  listen: 127.0.0.1:0\n", "store.yaml", in: directory)
        let result = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path, "--check"])
        #expect(result.status == 0, "\(result.standardError)")
        let warnings = result.standardOutput.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("warning: sources[hci] (hci7): ") && ($0.contains("no Bluetooth sockets") || $0.contains("no adapter hci7") || $0.contains("CAP_NET_RAW")) }, "\(warnings)")
        #expect(warnings.contains { $0.contains("sources[h4].device: /dev/ttyFOOTFALL9 is not there now") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("sources[pcap].interface: there is no network interface nosuchwlan9 now") && $0.contains("lo") }, "\(warnings)")
    }

    @Test func aTraceWithSomeSensorsOfAnotherStoreNamesThemAndGoesOn() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,s1,d1,-60\n2,s9,d1,-61\n3,s2,d1,-62\n", "t.csv", in: directory)
        let result = try await FootfallProcess.run(["replay", trace, "--store", "demo-store"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains(
            "ignored 1 observations from sensors not in calibration/demo-store/store.yaml: 's9' (first at \(trace):3, 1 reading)"),
            "\(result.standardOutput)")
    }

    /// Each numeric option given a negative number: the option's own check answers, not
    /// ArgumentParser's "Missing value" (a leading '-' read as the next option).
    @Test(arguments: [
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--hours", "-1"], "--hours must be more than 0"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--shoppers-per-hour", "-5"], "--shoppers-per-hour must be between 0 and 10000"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--staff", "-1"], "--staff must be between 0 and 10000"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--seed", "-1"], "'-1' is invalid for '--seed"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--static-shadowing", "-2"], "--static-shadowing must be between 0 and 30"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--moving-shadowing", "-2"], "--moving-shadowing must be between 0 and 30"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--body-loss", "-1"], "--body-loss must be a scale between 0 and 5"),
        (["simulate-survey", "--store", "demo-store", "--out", "/tmp/x.csv", "--spacing", "-1"], "--spacing must be at least 0.5"),
        (["simulate-survey", "--store", "demo-store", "--out", "/tmp/x.csv", "--dwell", "-3"], "--dwell must be from 1 to 3600 seconds"),
        (["calibrate", "record", "--store", "demo-store", "--at", "1,1", "--source", "trace:x.csv", "--seconds", "-5"], "--seconds must be more than 0"),
        (["convert", "kolakowski", "--every", "-2"], "--every must be 1 or more"),
        (["convert", "mqtt", "r.txt", "--format", "espresense", "--out", "/tmp/x.csv", "--seconds-per-line", "-1"], "--seconds-per-line must be 0 to 86400"),
        (["outbox", "list", "--limit", "-1"], "--limit must be at least 1"),
        (["outbox", "deliver", "--store", "demo-store", "--poll-ms", "-1"], "--poll-ms must be at least 1"),
        (["report", "--from", "-1"], "--from '-1' is not a time"),
    ])
    func aNegativeNumberReachesTheOptionsOwnCheck(arguments: [String], message: String) async throws {
        let result = try await FootfallProcess.run(arguments)
        expectOneLineFailure(result, mentioning: [message])
        #expect(!result.standardError.contains("Missing value"))
    }

    /// A URL that is not one, and a capture that is not there, say what to fix.
    @Test func aBadURLOrAMissingCaptureSaysWhatToFix() async throws {
        let status = try await FootfallProcess.run(["status", "--url", "notaurl"])
        expectOneLineFailure(status, mentioning: ["--url 'notaurl' is not an http(s) URL", "(see 'footfall status --help')"])
        // A command's missing option names that command's help, not footfall's.
        let nothing = try await FootfallProcess.run(["status"])
        expectOneLineFailure(nothing, mentioning: ["give --config or --url (see 'footfall status --help')"])
        let prune = try await FootfallProcess.run(["visits", "prune", "--data", "/nonexistent"])
        expectOneLineFailure(prune, mentioning: ["give --config", "(see 'footfall visits prune --help')"])
        let empty = try await FootfallProcess.run(["visits", "show", "--device", ""])
        expectOneLineFailure(empty, mentioning: ["--device is empty"])
        // Nothing listens: the system's words, not NIO's path to them.
        let refusing = try RefusingPort()
        let nobody = try await FootfallProcess.run(["status", "--url", "http://127.0.0.1:\(refusing.port)"])
        expectOneLineFailure(nobody, mentioning: ["no gateway answers at http://127.0.0.1:\(refusing.port) (Connection refused); is `footfall run` running"])
        let scan = try await FootfallProcess.run(["scan", "--btsnoop", "/nonexistent/capture.btsnoop", "--duration", "1"])
        expectOneLineFailure(scan, mentioning: ["/nonexistent/capture.btsnoop", "No such file or directory; check the path"])
    }

    /// A trace whose sensor column holds a device's address (columns swapped) names the line,
    /// not the address; a store given as a file of another name is read as that store file.
    @Test func aSwappedColumnIsNamedWithoutTheAddressAndAStoreFileOfAnyNameIsRead() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = try write("time,sensor,device,rssi\n1,c0:11:22:33:44:55,s1,-60\n2,s1,d1,-61\n", "t.csv", in: directory)
        let swapped = try await FootfallProcess.run(["replay", trace, "--store", "demo-store"])
        #expect(swapped.status == 0, "\(swapped.standardError)")
        #expect(swapped.standardOutput.contains("'<address>' (first at \(trace):2, 1 reading)"), "\(swapped.standardOutput)")
        #expect(!swapped.standardOutput.contains("c0:11") && !swapped.standardError.contains("c0:11"))
        let store = try write(try String(contentsOf: Fixtures.store("demo-store"), encoding: .utf8), "shop.conf", in: directory)
        let named = try await FootfallProcess.run(["replay", trace, "--store", store])
        #expect(named.status == 0, "a store file named shop.conf is read as one: \(named.standardError)")
        let notAStore = try await FootfallProcess.run(["replay", trace, "--store", trace])
        expectOneLineFailure(notAStore, mentioning: [trace])
        #expect(!notAStore.standardError.contains("calibration/"), "\(notAStore.standardError)")
    }

    /// A load no store sees is refused at once, before the trace outgrows memory.
    @Test(arguments: [
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--shoppers-per-hour", "1e12"], "--shoppers-per-hour must be between 0 and 10000, found 1000000000000.0"),
        (["simulate", "--store", "demo-store", "--out", "/tmp/x.csv", "--staff", "99999999"], "--staff must be between 0 and 10000, found 99999999"),
    ])
    func aLoadNoStoreSeesIsRefusedAtOnce(arguments: [String], message: String) async throws {
        expectOneLineFailure(try await FootfallProcess.run(arguments), mentioning: [message])
    }

    @Test func aNegativeCoordinateReachesThePointsCheck() async throws {
        let result = try await FootfallProcess.run(["calibrate", "record", "--store", "demo-store", "--at", "-3,4", "--source", "trace:x.csv"])
        #expect(result.status != 0)
        #expect(!result.standardError.contains("Missing value"), "\(result.standardError)")
        #expect(result.standardError.contains("outside"), "\(result.standardError)")
    }

    @Test func aSourceOptionsMistakeNamesItsOwnLine() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try write("time,sensor,device,rssi\n1,s1,d1,-60\n", "t.csv", in: directory)
        let layout = try Fixtures.demoStoreWithoutSources()
        let store = try write(layout + "\nsources:\n  - type: trace\n    path: t.csv\n    loop: false\n    speed: fast\n", "store.yaml", in: directory)
        let speedLine = layout.split(separator: "\n", omittingEmptySubsequences: false).count + 5
        let result = try await FootfallProcess.run(["run", "--config", store, "--data", directory.appendingPathComponent("data").path])
        expectOneLineFailure(result, mentioning: ["store.yaml:\(speedLine):", "speed", "'fast'"])
    }

    /// At 80 columns every line of a paragraph of `convert kolakowski --help`'s discussion is
    /// as full as the next word allows: no line broken by hand and wrapped again.
    @Test func convertKolakowskiHelpWrapsOnlyAtTheTerminalsWidth() async throws {
        let result = try await FootfallProcess.run(["convert", "kolakowski", "--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.contains("Kolakowski, Sensors") })
        let end = try #require(lines[start...].firstIndex { $0.hasPrefix("OPTIONS:") })
        let discussion = Array(lines[start..<end])
        for (line, next) in zip(discussion, discussion.dropFirst()) where !line.isEmpty && !next.isEmpty {
            let word = next.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? ""
            #expect(line.count + 1 + word.count > 80, "'\(line)' is broken before '\(word)', which fits")
        }
    }
}
