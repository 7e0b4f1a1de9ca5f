import FootfallTesting
import Foundation
import Testing

/// The plots `calibrate fit --plot` and `calibrate check --heatmap` write, read as a person
/// would: labels clear of each other, every dot inside its frame, a legend for every mark.
extension CalibrationCommandLineTests {
    /// A text's box, approximated from its font size (glyphs about 0.6 em wide, 0.8 em above
    /// the baseline) and its anchor.
    struct TextBox {
        var minX, maxX, minY, maxY: Double
        var text: String

        init?(_ element: SVGInspector.Element) {
            guard let x = element.attributes["x"].flatMap(Double.init), let y = element.attributes["y"].flatMap(Double.init) else { return nil }
            let size = element.attributes["font-size"].flatMap(Double.init) ?? 12
            let width = 0.6 * size * Double(element.text.count)
            switch element.attributes["text-anchor"] {
            case "end": (minX, maxX) = (x - width, x)
            case "middle": (minX, maxX) = (x - width / 2, x + width / 2)
            default: (minX, maxX) = (x, x + width)
            }
            (minY, maxY) = (y - 0.8 * size, y + 0.2 * size)
            if let transform = element.attributes["transform"], transform.hasPrefix("rotate(-90") {
                // Turned a quarter anticlockwise about (x, y): the width runs up the page.
                (minX, maxX, minY, maxY) = (x - 0.8 * size, x + 0.2 * size, y - (maxX - x), y - (minX - x))
            }
            text = element.text
        }

        func overlaps(_ other: TextBox) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }
    }

    @Test func theFitPlotsLabelsClearItsTicksAndEveryReadingIsInsideItsFrame() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plot = directory.appendingPathComponent("fit.svg").path
        let result = try await FootfallProcess.run(["calibrate", "fit", "--store", store(directory), "--plot", plot])
        #expect(result.status == 0, "\(result.standardError)")
        let svg = SVGInspector(try String(contentsOfFile: plot, encoding: .utf8))
        let frames = svg.elements("rect").filter { $0.attributes["stroke"] == "#999999" && $0.attributes["fill"] == "none" }.map { frame in
            ["x", "y", "width", "height"].map { Double(frame.attributes[$0] ?? "") ?? .nan }
        }
        #expect(frames.count == 5)
        for sample in svg.elements("circle", class: "sample") {
            let cx = Double(sample.attributes["cx"] ?? "") ?? .nan, cy = Double(sample.attributes["cy"] ?? "") ?? .nan
            // Its panel: the frame in whose column it is and nearest it in height (panels stack).
            let frame = try #require(
                frames.filter { cx >= $0[0] && cx <= $0[0] + $0[2] }.min { abs(cy - ($0[1] + $0[3] / 2)) < abs(cy - ($1[1] + $1[3] / 2)) },
                "a reading at x \(cx) is in no panel")
            #expect(cy > frame[1] + 2 && cy < frame[1] + frame[3] - 2, "a reading drawn at y \(cy) sits on or outside its frame \(frame)")
        }
        // The RSSI axis: its tick labels overlap no other label, its title among them.
        let boxes = svg.elements("text").compactMap(TextBox.init)
        let ticks = boxes.filter { Double($0.text) != nil && $0.text.hasPrefix("-") }
        #expect(!ticks.isEmpty)
        #expect(boxes.filter { $0.text.contains("dBm)") }.count == 5, "each panel names its RSSI axis")
        for tick in ticks {
            for other in boxes where other.text != tick.text || other.minY != tick.minY {
                #expect(!tick.overlaps(other), "the tick label '\(tick.text)' overlaps '\(other.text)'")
            }
        }
    }

    @Test func theHeatMapsLegendExplainsTheDotsAsWellAsTheShading() async throws {
        let directory = try SurveyedStore.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let heatmap = directory.appendingPathComponent("error.svg").path
        let result = try await FootfallProcess.run(["calibrate", "check", "--store", store(directory), "--heatmap", heatmap])
        #expect(result.status == 0, "\(result.standardError)")
        let text = try String(contentsOfFile: heatmap, encoding: .utf8)
        let svg = SVGInspector(text)
        let legend = svg.elements("text", class: "legend-entry").map(\.text).joined(separator: " ")
        #expect(legend.contains("dot: a survey point, coloured by its leave-one-out error"), "\(legend)")
        #expect(legend.contains("where one more sensor would help most"), "\(legend)")
        #expect(svg.texts.contains("shading: expected error"))
        // Every legend line fits on the picture.
        let width = try #require(svg.elements("svg").first?.attributes["width"].flatMap(Double.init))
        for entry in svg.elements("text", class: "legend-entry").compactMap(TextBox.init) {
            #expect(entry.maxX <= width, "'\(entry.text)' runs off the picture (\(entry.maxX) > \(width))")
        }
    }
}
