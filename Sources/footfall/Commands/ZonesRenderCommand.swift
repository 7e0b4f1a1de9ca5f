import ArgumentParser
import Calibration
import FootfallCore
import Foundation

struct ZonesRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw the outline, zones, sensors and entrances to scale as an SVG, with a metre grid and a scale bar."
    )

    @OptionGroup var store: StoreOption

    @Option(help: "Where to write the SVG.")
    var out: String

    func validate() throws {
        guard out.hasSuffix(".svg") else { throw ValidationError("--out must name an .svg file, e.g. layout.svg") }
    }

    func run() throws {
        let configuration = try store.load()
        let svg = LayoutRenderer(layout: configuration.layout).render()
        try writeText(svg, to: out)
        print("wrote \(out): \(configuration.layout.zones.count) zones, \(configuration.layout.sensors.count) sensors")
    }
}
