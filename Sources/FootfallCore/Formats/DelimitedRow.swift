import Foundation

/// The fields of one delimited line as byte ranges, split without allocating. Quoted fields
/// (`"a,b"`, with `""` for a quote) are supported for opaque ids that contain the delimiter.
public struct DelimitedRow {
    public private(set) var line = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    public private(set) var starts: [Int] = []
    public private(set) var ends: [Int] = []
    public private(set) var quoted: [Bool] = []
    public let delimiter: UInt8

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
        starts.reserveCapacity(16)
        ends.reserveCapacity(16)
        quoted.reserveCapacity(16)
    }

    public var count: Int { starts.count }

    /// Splits `line`; returns false when a quoted field is not closed.
    public mutating func split(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        self.line = line
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        var i = 0
        let n = line.count
        while true {
            if i < n, line[i] == UInt8(ascii: "\"") {
                // Quoted field: runs to the closing quote not followed by another quote.
                var j = i + 1
                var closed = false
                while j < n {
                    if line[j] == UInt8(ascii: "\"") {
                        if j + 1 < n, line[j + 1] == UInt8(ascii: "\"") { j += 2; continue }
                        closed = true
                        break
                    }
                    j += 1
                }
                guard closed else { return false }
                starts.append(i + 1)
                ends.append(j)
                quoted.append(true)
                i = j + 1
                guard i < n else { return true }
                guard line[i] == delimiter else { return false }
                i += 1
                continue
            }
            var j = i
            while j < n, line[j] != delimiter { j += 1 }
            starts.append(i)
            ends.append(j)
            quoted.append(false)
            if j >= n { return true }
            i = j + 1
        }
    }

    /// 1-based column of field `index`'s first byte.
    public func column(_ index: Int) -> Int { (index < starts.count ? starts[index] : line.count) + 1 }

    public func isEmpty(_ index: Int) -> Bool { starts[index] == ends[index] }

    public func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[starts[index]..<ends[index]])
    }

    public func string(_ index: Int) -> String {
        let text = String(decoding: bytes(index), as: UTF8.self)
        return quoted[index] ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// The field as a number, parsed from bytes (see `NumberParser`), or nil when it is not one.
    public func double(_ index: Int) -> Double? { NumberParser.parse(bytes(index)) }
}
