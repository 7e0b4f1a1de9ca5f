import FootfallCore

extension VisitRecord {
    /// A visit with the id made from what names it: the same visit gives the same id.
    public init(identity: String, start: Double, end: Double) {
        self.init(id: DeterministicID.make([identity, RFC3339.string(start)]), identity: identity, start: start, end: end)
    }
}
