extension StringProtocol {
    /// The text's lines, split at LF and CRLF (a `\r\n` is one Character to Swift, which
    /// `split(separator: "\n")` never splits at: a file saved on Windows was one line), without
    /// their line ends; empty lines kept, so that the index + 1 is the line's number.
    public var textLines: [SubSequence] {
        split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }
}
