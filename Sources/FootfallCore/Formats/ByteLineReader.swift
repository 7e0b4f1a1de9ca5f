import Foundation

/// Reads a text file a line at a time without making a `String` per line: lines are byte
/// ranges of an internal buffer, valid until the next call. Files of any size stream through
/// a fixed buffer; `\n` and `\r\n` endings are both accepted.
public final class ByteLineReader {
    public let name: String
    private var file: UnsafeMutablePointer<FILE>?
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0

    /// Opens `path` for reading; the error names the file and what to do.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        guard let handle = fopen(path, "rb") else {
            let reason = errno == ENOENT ? "does not exist" : "cannot be opened (\(String(cString: strerror(errno))))"
            throw FormatError(file: path, line: 0, message: "\(reason); check the path")
        }
        var info = stat()
        if fstat(fileno(handle), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            fclose(handle)
            throw FormatError(file: path, line: 0, message: "is a directory; pass the path of a file in it")
        }
        name = path
        file = handle
        capacity = max(bufferSize, 64)
        storage = .allocate(capacity: capacity)
    }

    /// Reads lines from bytes already in memory.
    public init(bytes: [UInt8], name: String) {
        self.name = name
        capacity = max(bytes.count, 1)
        storage = .allocate(capacity: capacity)
        bytes.withUnsafeBufferPointer { storage.update(from: $0.baseAddress!, count: bytes.count) }
        end = bytes.count
        atEOF = true
        file = nil
    }

    deinit {
        if let file { fclose(file) }
        storage.deallocate()
    }

    /// The next line without its ending, or nil at the end of the input.
    public func nextLine() -> UnsafeBufferPointer<UInt8>? {
        while true {
            if let newline = indexOfNewline(from: start) {
                var lineEnd = newline
                if lineEnd > start, storage[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: storage + start, count: lineEnd - start)
                start = newline + 1
                lineNumber += 1
                return lineNumber == 1 ? Self.withoutByteOrderMark(line) : line
            }
            if atEOF {
                guard start < end else { return nil }
                var lineEnd = end
                if storage[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = UnsafeBufferPointer(start: storage + start, count: lineEnd - start)
                start = end
                lineNumber += 1
                return lineNumber == 1 ? Self.withoutByteOrderMark(line) : line
            }
            refill()
        }
    }

    /// The first line without the UTF-8 byte order mark some editors (Excel's "CSV UTF-8")
    /// put at the start of a file: otherwise the first column's name is '\u{FEFF}time'.
    private static func withoutByteOrderMark(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF else { return line }
        return UnsafeBufferPointer(rebasing: line[3...])
    }

    private func indexOfNewline(from index: Int) -> Int? {
        guard index < end else { return nil }
        guard let found = memchr(storage + index, 0x0A, end - index) else { return nil }
        return storage.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private func refill() {
        // Move the unfinished line to the front; grow when one line fills the buffer.
        let pending = end - start
        if start > 0 {
            if pending > 0 { (storage).update(from: storage + start, count: pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: storage, count: end)
            storage.deallocate()
            storage = bigger
            capacity *= 2
        }
        guard let file else {
            atEOF = true
            return
        }
        let read = fread(storage + end, 1, capacity - end, file)
        end += read
        if read == 0 { atEOF = true }
    }
}
