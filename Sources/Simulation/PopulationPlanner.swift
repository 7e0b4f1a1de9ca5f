import FootfallCore

/// Makes the people of a simulated period: shoppers arriving as a Poisson process who walk
/// between sectors, dwell, queue at checkout and leave; passers-by along the storefront; staff
/// who stay all day.
struct PopulationPlanner {
    let layout: StoreLayout
    let settings: StoreSimulator.Settings

    func people(random: RandomSource) -> [Person] {
        var people: [Person] = []
        var arrivals = random.derived(1)
        let duration = settings.hours * 3600
        // Staff first, so their indices do not depend on the shopper count.
        for s in 0..<settings.staff {
            var r = random.derived(UInt64(10_000 + s))
            people.append(staff(index: people.count, random: &r, duration: duration))
        }
        var t = arrivals.exponential(mean: 3600 / max(settings.shoppersPerHour, 1e-9))
        var shopperNumber = 0
        while t < duration, settings.shoppersPerHour > 0 {
            var r = random.derived(UInt64(20_000 + shopperNumber))
            people.append(shopper(index: people.count, arrival: t, random: &r))
            shopperNumber += 1
            t += arrivals.exponential(mean: 3600 / settings.shoppersPerHour)
        }
        var passing = random.derived(2)
        let passersPerHour = settings.shoppersPerHour * settings.passersByPerShopper
        var p = passersPerHour > 0 ? passing.exponential(mean: 3600 / passersPerHour) : duration
        var passerNumber = 0
        while p < duration {
            var r = random.derived(UInt64(50_000 + passerNumber))
            people.append(passerBy(index: people.count, start: p, random: &r))
            passerNumber += 1
            p += passing.exponential(mean: 3600 / passersPerHour)
        }
        return people
    }

    private var entrance: Point {
        layout.entrances.first ?? layout.outline.nearestBoundaryPoint(to: Point(x: layout.outline.centroid.x, y: layout.outline.boundingBox.min.y))
    }

    /// A point just outside the entrance, away from the store.
    private var street: Point {
        let inward = layout.outline.centroid - entrance
        let length = max(inward.length, 1e-9)
        return entrance - inward * (4 / length)
    }

    private func phone(_ index: Int, role: Person.Role, trajectory: Trajectory, random: inout RandomSource, loyal: Bool) -> Person {
        let carry = Person.Carry.allCases[random.int(0..<3)]
        // Phones differ by up to ±8 dB at 1 m (clipped normal).
        let offset = max(-8, min(8, random.normal(mean: 0, sd: 3.5)))
        let interval = random.uniform(0.1, 1.0)
        let identity: Person.Identity
        if loyal {
            let major = UInt16(1 + index / 60_000), minor = UInt16(truncatingIfNeeded: index % 60_000 + 1)
            identity = .stable(DeviceID.ibeacon(uuid: settings.loyaltyUUID, major: major, minor: minor), txPower: -59)
        } else {
            identity = .rotating(seed: random.next(), period: random.uniform(13, 17) * 60, phase: random.uniform(-900, 0) + trajectory.startTime)
        }
        return Person(index: index, role: role, trajectory: trajectory, carry: carry, txOffset: offset, advertisingInterval: interval, identity: identity)
    }

    private func shopper(index: Int, arrival: Double, random: inout RandomSource) -> Person {
        let speed = random.uniform(0.5, 1.4)
        var path = Trajectory(start: street, at: arrival)
        path.walk(to: entrance, speed: speed)
        let sectors = layout.zones.filter { $0.id != settings.checkoutZone && $0.id != settings.entranceZone }
        var order = sectors.indices.map { $0 }
        // Fisher–Yates with our generator, for determinism.
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.int(0..<(i + 1))) }
        let visits = sectors.isEmpty ? 0 : min(sectors.count, 2 + random.int(0..<4))
        for k in 0..<visits {
            let zone = sectors[order[k]]
            path.walk(to: point(in: zone.polygon, random: &random), speed: speed)
            // Dwell in the sector, browsing between two or three shelves.
            let stay = max(20, min(420, random.exponential(mean: 100)))
            let stops = 1 + random.int(0..<3)
            for _ in 0..<stops {
                path.dwell(stay / Double(stops) * random.uniform(0.6, 1.0))
                path.walk(to: point(in: zone.polygon, random: &random), speed: speed * 0.6)
            }
        }
        if let checkout = layout.zone(settings.checkoutZone) {
            path.walk(to: point(in: checkout.polygon, random: &random), speed: speed)
            path.dwell(random.uniform(60, 240))  // the queue and paying
        }
        path.walk(to: entrance, speed: speed)
        path.walk(to: street, speed: speed)
        path.walk(to: street + Point(x: random.uniform(-8, 8), y: 0), speed: speed)
        return phone(index, role: .shopper, trajectory: path, random: &random, loyal: random.chance(settings.loyaltyShare))
    }

    private func passerBy(index: Int, start: Double, random: inout RandomSource) -> Person {
        let box = layout.outline.boundingBox
        let inward = layout.outline.centroid - entrance
        let away = inward * (-1 / max(inward.length, 1e-9))
        // Walk along the storefront, 2–5 m outside, from one side to the other.
        let offset = random.uniform(2, 5)
        let along = Point(x: -away.y, y: away.x)
        let reach = (box.max - box.min).length / 2 + 10
        let centre = entrance + away * offset
        var a = centre - along * reach, b = centre + along * reach
        if random.chance(0.5) { swap(&a, &b) }
        var path = Trajectory(start: a, at: start)
        path.walk(to: b, speed: random.uniform(0.9, 1.6))
        return phone(index, role: .passerBy, trajectory: path, random: &random, loyal: random.chance(settings.loyaltyShare / 4))
    }

    private func staff(index: Int, random: inout RandomSource, duration: Double) -> Person {
        var path = Trajectory(start: point(in: layout.outline, random: &random), at: 0)
        while path.endTime < duration {
            path.dwell(random.uniform(60, 600))
            path.walk(to: point(in: layout.outline, random: &random), speed: random.uniform(0.6, 1.2))
        }
        var octets = (0..<6).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        octets[0] |= 0xC0  // static random address: top bits 11
        let badge = DeviceID("ble:" + octets.map { hex($0) }.joined(separator: ":"))
        return Person(
            index: index, role: .staff, trajectory: path, carry: .pocket, txOffset: random.normal(mean: 0, sd: 2),
            advertisingInterval: random.uniform(0.3, 1.0), identity: .stable(badge, txPower: nil))
    }

    /// A uniformly random point of the polygon, kept half a metre from its edges where possible.
    private func point(in polygon: Polygon, random: inout RandomSource) -> Point {
        let box = polygon.boundingBox
        for _ in 0..<200 {
            let p = Point(x: random.uniform(box.min.x, box.max.x), y: random.uniform(box.min.y, box.max.y))
            if polygon.contains(p), polygon.distanceToBoundary(p) >= 0.5 { return p }
        }
        return polygon.centroid
    }
}
