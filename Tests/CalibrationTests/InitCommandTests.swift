import FootfallCore
import FootfallTesting
import Foundation
import Testing

/// `footfall init` through the real binary: a new store's file from options or from answers,
/// accepted by `footfall zones check`, and a bad answer refused in one line.
@Suite struct InitCommandTests {
    static let options = [
        "--id", "corner-shop", "--size", "12x8", "--entrance", "6,0",
        "--sensor", "2,2,2.8", "--sensor", "10,2,2.8", "--sensor", "till=6,6.5,3",
    ]

    func expectOneLineFailure(_ result: FootfallProcess.Result, mentioning words: [String]) {
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.standardError)")
        for word in words { #expect(result.standardError.contains(word), "\(result.standardError) should mention \(word)") }
    }

    /// The hex tokens of the file's `tokens:` and `sensor_tokens:` lines.
    func tokens(_ yaml: String) -> [String] {
        yaml.components(separatedBy: "\"").filter { (part: String) in part.count == 32 && part.allSatisfy(\.isHexDigit) }
    }

    @Test func optionsWriteAPrivateStoreFileThatZonesCheckAccepts() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("corner-shop").path
        let result = try await FootfallProcess.run(["init", "--store", folder] + Self.options)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("wrote \(folder)/store.yaml: corner-shop, 12 x 8 m, 1 entrance, 3 sensors; 0 errors"), "\(result.standardOutput)")
        let path = folder + "/store.yaml"
        let check = try await FootfallProcess.run(["zones", "check", "--store", folder])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.contains("corner-shop: 1 zones, 3 sensors, 96 m²; 0 errors"), "\(check.standardOutput)")

        let configuration = try StoreConfiguration.load(path: path)
        #expect(configuration.layout.outline.vertices == Polygon(rectangleFrom: .zero, to: Point(x: 12, y: 8)).vertices)
        #expect(configuration.layout.entrances == [Point(x: 6, y: 0)])
        #expect(configuration.layout.sensors.map(\.id.rawValue) == ["s1", "s2", "till"])
        #expect(configuration.layout.sensors[2].position == Point3(x: 6, y: 6.5, z: 3))
        #expect(configuration.gatewayID == "corner-shop-gateway-1")
        // Random 128-bit tokens, all different: one for the API, one for each sensor.
        #expect(configuration.api.tokens.count == 1)
        #expect(Set(configuration.api.sensorTokens.keys) == ["s1", "s2", "till"])
        let all = configuration.api.tokens + configuration.api.sensorTokens.values
        #expect(Set(all).count == 4 && all.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "\(all)")
        // Readable by its owner and group only: it holds the tokens.
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
    }

    /// The next steps it prints can be pasted into a shell: a path with a space is quoted.
    @Test func theCommandsItPrintsQuoteAPathWithASpace() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("corner shop's").path
        let result = try await FootfallProcess.run(["init", "--store", folder] + Self.options)
        #expect(result.status == 0, "\(result.standardError)")
        let quoted = "'" + folder.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        #expect(result.standardOutput.contains("(footfall zones check --store \(quoted))"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("footfall run --config \(quoted.dropLast())/store.yaml'"), "\(result.standardOutput)")
    }

    @Test func answersPipedInWriteTheStoreAndTwoStoresGetDifferentTokens() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let answers = "corner-shop\n12x8\n6,0\n\n2,2,2.8\n10,2,2.8\ntill=6,6.5,3\n\n"
        let first = try await FootfallProcess.run(["init", "--store", directory.appendingPathComponent("a").path], standardInput: answers)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("Store id (e.g. corner-shop): corner-shop"), "the questions and the answers read: \(first.standardOutput)")
        let check = try await FootfallProcess.run(["zones", "check", "--store", directory.appendingPathComponent("a").path])
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.contains("corner-shop: 1 zones, 3 sensors, 96 m²; 0 errors"), "\(check.standardOutput)")

        // The same answers as options give the same file but for its tokens.
        let second = try await FootfallProcess.run(["init", "--store", directory.appendingPathComponent("b").path] + Self.options)
        #expect(second.status == 0, "\(second.standardError)")
        let a = try String(contentsOf: directory.appendingPathComponent("a/store.yaml"), encoding: .utf8)
        let b = try String(contentsOf: directory.appendingPathComponent("b/store.yaml"), encoding: .utf8)
        #expect(tokens(a).count == 4 && tokens(b).count == 4)
        #expect(Set(tokens(a)).isDisjoint(with: tokens(b)))
        var withoutTokens = a
        for (old, new) in zip(tokens(a), tokens(b)) { withoutTokens = withoutTokens.replacingOccurrences(of: old, with: new) }
        #expect(withoutTokens == b)
    }

    @Test(arguments: [
        (["--size", "12"], ["--size '12'", "width x depth", "40x25"]),
        (["--size", "12000x8"], ["--size '12000x8'", "at most 2000 metres"]),
        (["--entrance", "6,4"], ["--entrance 6,4", "not on the outline", "12 x 8 m"]),
        (["--entrance", "six,0"], ["--entrance 'six,0'", "x,y"]),
        (["--sensor", "30,2,2.8"], ["--sensor 30,2,2.8", "18 m outside", "within 5 m"]),
        (["--sensor", "2,2,0"], ["--sensor 2,2,0", "height 0 m"]),
        (["--sensor", "s1=2,2,2.8", "--sensor", "s1=4,4,2.8"], ["--sensor s1=4,4,2.8", "'s1' is another sensor's id"]),
        (["--id", "corner shop"], ["--id 'corner shop'", "letters, digits"]),
        (["--listen", "localhost"], ["--listen 'localhost'", "host:port"]),
    ])
    func aBadOptionIsOneLineNamingItAndNothingIsWritten(bad: [String], words: [String]) async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The bad option replaces the good one of the same name.
        var arguments = Self.options
        for name in Set(bad.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element)) {
            while let index = arguments.firstIndex(of: name) { arguments.removeSubrange(index...index + 1) }
        }
        let result = try await FootfallProcess.run(["init", "--store", directory.path] + arguments + bad)
        expectOneLineFailure(result, mentioning: words + ["footfall init --help"])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("store.yaml").path))
    }

    @Test func aBadAnswerFromAPipeIsOneLineAndAMissingOneNamesItsOption() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = try await FootfallProcess.run(["init", "--store", directory.path], standardInput: "corner-shop\n12 by 8\n")
        expectOneLineFailure(bad, mentioning: ["--size '12 by 8'", "40x25"])
        let missing = try await FootfallProcess.run(["init", "--store", directory.path, "--id", "corner-shop", "--size", "12x8"])
        expectOneLineFailure(missing, mentioning: ["--entrance is missing", "give it as an option"])
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("store.yaml").path))
    }

    @Test func anExistingStoreFileIsKeptUnlessForced() async throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.yaml").path
        try "store: kept\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await FootfallProcess.run(["init", "--store", directory.path] + Self.options)
        expectOneLineFailure(refused, mentioning: [path, "exists", "--force"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "store: kept\n")
        let forced = try await FootfallProcess.run(["init", "--store", directory.path, "--force"] + Self.options)
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try StoreConfiguration.load(path: path).layout.id == "corner-shop")
    }
}
