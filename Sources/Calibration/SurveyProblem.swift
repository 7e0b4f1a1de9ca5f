import FootfallCore

/// Why a survey cannot be used as it is, with the sample that shows it (an index into the
/// survey's samples, which the command line turns into a line of the file) and what to do.
public struct SurveyProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case unknownSensor = "unknown sensor"
        case tooFewPoints = "too few points"
        case pointsOnALine = "points on a line"
        case outsideOutline = "outside the outline"
        case unknownZone = "unknown zone"
        case pointOutsideItsZone = "point outside its zone"
        case noPoints = "no points"
    }

    public var kind: Kind
    /// The first sample showing the problem, when one does.
    public var sampleIndex: Int?
    public var message: String

    public init(_ kind: Kind, sampleIndex: Int?, _ message: String) {
        self.kind = kind
        self.sampleIndex = sampleIndex
        // Quotes the survey's own values (a sensor column); an address among them is masked.
        self.message = AddressRedaction.redacted(message)
    }

    public var description: String { message }
}
