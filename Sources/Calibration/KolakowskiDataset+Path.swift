import FootfallCore
import Foundation

extension KolakowskiDataset {
    /// `tests/path_reference.csv`: the path of the walk (`test_walk_df.csv`, which has no
    /// position per row) as segments `x0,y0,x1,y1` in metres.
    public static func path(_ text: String, file: String = "path_reference.csv") throws -> PathReference {
        var segments: [PathReference.Segment] = []
        var header: [String]?
        for (index, raw) in text.textLines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let columns = header else {
                guard cells == ["x0", "y0", "x1", "y1"] else {
                    throw ParseError(file: file, line: index + 1, message: "expected the header 'x0,y0,x1,y1'")
                }
                header = cells
                continue
            }
            guard cells.count == columns.count else {
                throw ParseError(file: file, line: index + 1, message: "has \(cells.count) fields; expected x0,y0,x1,y1")
            }
            let values = try zip(columns, cells).map { column, cell in
                guard let value = Double(cell), value.isFinite else {
                    throw ParseError(file: file, line: index + 1, message: "\(column): '\(cell)' is not a number")
                }
                return value
            }
            segments.append(.init(Point(x: values[0], y: values[1]), Point(x: values[2], y: values[3])))
        }
        guard !segments.isEmpty else { throw ParseError(file: file, line: 1, message: "has no segments") }
        return PathReference(segments)
    }
}
