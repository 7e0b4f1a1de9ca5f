import FootfallCore

public enum SurveyPoints {
    /// Groups samples into reference points in the order they first appear. A zone-only
    /// sample is placed at its zone's representative point (and marked as having no coordinates).
    public static func group(_ samples: [SurveySample], layout: StoreLayout) -> [SurveyPoint] {
        var points: [SurveyPoint] = []
        var index: [String: Int] = [:]
        for (i, sample) in samples.enumerated() {
            let position: Point
            let key: String
            let hasCoordinates = sample.point != nil
            if let p = sample.point {
                position = p
                key = "\(p.x),\(p.y)"
            } else if let zoneID = sample.zone, let zone = layout.zone(zoneID) {
                position = LayoutValidator.representativePoint(zone.polygon)
                key = "zone:\(zoneID)"
            } else {
                continue
            }
            if let k = index[key] {
                points[k].samples.append(i)
            } else {
                index[key] = points.count
                points.append(SurveyPoint(
                    position: position, hasCoordinates: hasCoordinates, zone: sample.zone ?? layout.zone(containing: position)?.id,
                    samples: [i]))
            }
        }
        return points
    }

    /// Whether all points lie within `tolerance` metres of one straight line (principal axis).
    public static func areCollinear(_ points: [Point], tolerance: Double = 0.25) -> Bool {
        guard points.count >= 2 else { return true }
        let n = Double(points.count)
        let mx = points.map(\.x).reduce(0, +) / n, my = points.map(\.y).reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for p in points {
            sxx += (p.x - mx) * (p.x - mx); sxy += (p.x - mx) * (p.y - my); syy += (p.y - my) * (p.y - my)
        }
        // Smaller eigenvalue of the scatter matrix: the spread across the best line.
        let trace = sxx + syy, det = sxx * syy - sxy * sxy
        let smaller = trace / 2 - max(trace * trace / 4 - det, 0).squareRoot()
        return (max(smaller, 0) / n).squareRoot() < tolerance
    }
}
