/// Which column holds which field, read from a header line, so files may order or omit the
/// optional columns freely; an unknown or missing column is an error naming it.
struct ColumnLayout {
    var index: [String: Int] = [:]
    var names: [String] = []

    init() {}

    /// A line whose quote is never closed, as the trace and survey readers refuse it.
    static let unclosedQuote = "has an unclosed quote; close it, or double a quote inside a quoted field (\"\")"

    /// A line of `count` fields under this header, as the trace and survey readers refuse it.
    func wrongFieldCount(_ count: Int) -> String {
        "has \(count) fields but the header has \(names.count); quote a field with a comma in it, or give every column of \(names.joined(separator: ","))"
    }

    init(header row: DelimitedRow, file: String, line: Int, required: [String], optional: [String], example: String) throws {
        let known = required + optional
        for i in 0..<row.count {
            let name = row.string(i).trimmingCharacters(in: .whitespaces).lowercased()
            guard known.contains(name) else {
                // (The name is quoted up to the line's end: with CR endings the whole file is one line.)
                let raw = row.string(i)
                let hint =
                    raw.contains("\r") ? " (the file's lines end in a carriage return alone, as on old Macs; save it with LF line endings)"
                    : row.count == 1 && raw.contains(";") ? " (the file looks ';'-separated; use commas)"
                    : row.count == 1 && raw.contains("\t") ? " (the file looks tab-separated; use commas)" : ""
                throw FormatError(
                    file: file, line: line, column: row.column(i), field: "header",
                    message: "unknown column '\(name)'\(hint); the header is `\(example)`" + (optional.isEmpty ? "" : ", with optional \(optional.joined(separator: ", "))"))
            }
            guard index[name] == nil else {
                throw FormatError(file: file, line: line, column: row.column(i), field: "header", message: "column '\(name)' appears twice")
            }
            index[name] = i
            names.append(name)
        }
        for name in required where index[name] == nil {
            throw FormatError(file: file, line: line, field: "header", message: "missing column '\(name)'; the header is `\(example)`")
        }
    }

    subscript(_ name: String) -> Int? { index[name] }
}

import Foundation
