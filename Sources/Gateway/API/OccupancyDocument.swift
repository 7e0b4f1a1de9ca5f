struct OccupancyDocument: Encodable {
    var zones: [String: Int]
    var visitors: Int
    /// Devices placed in the last 30 s, inside the store or out (passers-by on the street).
    var devices: Int
    /// Of those, the ones placed inside the store.
    var inside: Int
}
