import FootfallCore

/// The street before a store, where a survey may map the pavement as well as the floor: the
/// pavement's own levels then tell a passer-by from a shopper behind the glass
/// (docs/positioning.md, "A survey of the pavement too"). Only the floor's points fit the
/// sensors' path loss, since a real storefront's glass or wall attenuates what reaches the
/// street; the radio map takes both.
public enum Street {
    /// Survey points this close outside the outline (metres) count as on the floor: an outline
    /// drawn along the walls' inner faces puts doorways and wall thickness just outside it.
    public static let wallTolerance = 0.5

    /// The band outside the walls where the grid places devices: its width (0 without one: no
    /// `outside_band`, or a storefront band and no entrance) and the walls it lies along,
    /// lengthened by `street_beyond_corners` (empty: all around the outline).
    static func band(_ layout: StoreLayout, _ configuration: PositioningConfiguration) -> (width: Double, edges: [(Point, Point)]) {
        let storefront = Locator.storefront(layout, extending: configuration.streetBeyondCorners)
        let along = configuration.outsideBandAlongStorefront
        return (along && storefront.isEmpty ? 0 : max(configuration.outsideBand, 0), along ? storefront : [])
    }

    /// Whether `p` is on the floor: inside the outline or within `wallTolerance` of it.
    public static func isOnFloor(_ p: Point, layout: StoreLayout) -> Bool {
        layout.outline.contains(p) || layout.outline.distanceToBoundary(p) <= wallTolerance
    }

    /// Whether `p` is on the street: off the floor and in front of a wall with an entrance, no
    /// further out than `outside_band` and no further along than `street_beyond_corners` past
    /// the wall's ends (with `outside_band_along_storefront: false`, anywhere within
    /// `outside_band` of the outline). Beside the store, behind its storefront's line, are
    /// other premises.
    public static func contains(_ p: Point, layout: StoreLayout, configuration: PositioningConfiguration = .init()) -> Bool {
        let width = configuration.outsideBand
        guard width > 0, !isOnFloor(p, layout: layout) else { return false }
        guard configuration.outsideBandAlongStorefront else { return layout.outline.distanceToBoundary(p) <= width }
        let past = max(configuration.streetBeyondCorners, 0)
        return layout.storefronts.contains { wall in
            let e = wall.end - wall.start
            let length = (e.x * e.x + e.y * e.y).squareRoot()
            let along = ((p.x - wall.start.x) * e.x + (p.y - wall.start.y) * e.y) / length
            let out = (p.x - wall.start.x) * wall.outward.x + (p.y - wall.start.y) * wall.outward.y
            return along >= -past && along <= length + past && out > 0 && out <= width
        }
    }
}
