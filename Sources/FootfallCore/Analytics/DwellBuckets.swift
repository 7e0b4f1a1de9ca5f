/// The fixed visit-duration buckets shared by `store.traffic` and the analytics.
public enum DwellBuckets {
    /// Upper bounds (minutes) of the buckets; the last bucket is open.
    public static let upperMinutes: [Double] = [2, 5, 15, 30, 60]
    public static let labels = ["< 2 min", "2–5 min", "5–15 min", "15–30 min", "30–60 min", "> 60 min"]

    /// The bucket of a duration in seconds.
    public static func index(seconds: Double) -> Int {
        upperMinutes.firstIndex { seconds / 60 < $0 } ?? upperMinutes.count
    }
}
