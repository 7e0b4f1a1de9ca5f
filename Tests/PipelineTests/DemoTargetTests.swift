import FootfallTesting
import Foundation
import Testing

/// `make demo` is how a new operator reproduces the README's figures: it must simulate what
/// the README measured them on.
@Suite struct DemoTargetTests {
    @Test func makeDemoSimulatesTheSeedHoursAndRateOfTheREADMEsDemoStoreFigures() throws {
        let makefile = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let readme = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        func variable(_ name: String) -> String? {
            makefile.split(separator: "\n").first { $0.hasPrefix("\(name) ?= ") }.map { String($0.dropFirst(name.count + 4)) }
        }
        let seed = try #require(variable("DEMO_SEED")), hours = try #require(variable("DEMO_HOURS")), rate = try #require(variable("DEMO_SHOPPERS"))
        // The Measured table's demo-store row names the command its figures come from.
        let measured = "footfall simulate --store demo-store --hours \(hours) --shoppers-per-hour \(rate) --seed \(seed) --out h1.csv"
        #expect(readme.contains(measured), "README's demo-store figures come from `\(measured)`, which make demo runs")
    }
}
