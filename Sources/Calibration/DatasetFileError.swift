/// What is wrong with a file of a dataset being converted, and at which line: one line,
/// `file:line: message`, for every converter (`footfall convert …`).
public struct DatasetFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}
