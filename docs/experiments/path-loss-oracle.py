#!/usr/bin/env python3
"""What a path-loss locator could reach on a UJI area if it knew the radio perfectly.

A least-squares locator on the log-distance model (this project's), scored on the UJI test
points as `make accuracy` scores them (at each truth time, from the readings up to it), given
more than any real locator has about the radio and the visits. It is not a bound on what a
locator can do (it has no motion model: it forgets the point before), but it says how much of
a case's error better knowledge of the radio could remove. It is given:

- the model fitted by least squares to the TEST readings themselves at their true positions:
  a gain for every beacon at every power setting and an exponent for every beacon (this
  project's locator has one exponent and learns one gain a beacon);
- when the phone arrived at each point, so that it pools every reading since then and none from
  before (a real locator must find out that the phone stopped, and carries what it heard on the
  way);
- with `--known-offset`, the phone's own level too (otherwise the phone's unknown offset, the
  same for every beacon of one estimate, is fitted with the position, as a locator must).

Each estimate is the grid point (every 0.2 m within the store's outline) of least squared
residual. The phone is 1.2 m up and the beacons 2 m, as the converter writes.

    footfall convert uji --area office --out /tmp/uji-office
    python3 docs/experiments/path-loss-oracle.py /tmp/uji-office [--known-offset] [--whole-visit]

`--whole-visit` pools every reading of a visit for each of its truth times (not causal: the
readings after the truth time too).

It also prints the model a survey gives (the survey's readings fitted by least squares: a gain
for each beacon at each power setting, one exponent), and how well the survey could correct
what the model fitted to the test leaves: the residual each beacon leaves at each point (its
mean over the point's readings, the part fixed to the place), correlated between every test
point and the survey points at each distance from it.
"""
import csv
import math
import re
import sys
from collections import defaultdict

DEVICE_HEIGHT = 1.2
STEP = 0.2


def quantile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def solve(matrix, vector):
    """Gaussian elimination with partial pivoting (the normal equations are small)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] if abs(a[i][i]) > 1e-12 else 0.0 for i in range(n)]


def setting(device):
    """The phone and its power setting: the device name less its campaign."""
    return device.split("-campaign")[0]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    known_offset = "--known-offset" in sys.argv
    whole_visit = "--whole-visit" in sys.argv
    if len(args) != 1:
        sys.exit("usage: path-loss-oracle.py DIR [--known-offset] [--whole-visit]  (DIR from `footfall convert uji`)")
    folder = args[0]
    store = open(folder + "/store.yaml").read()
    sensors = {m[0]: tuple(map(float, m[1:])) for m in re.findall(
        r"id: (\S+)\n\s+position: \[([-\d.]+), ([-\d.]+), ([-\d.]+)\]", store)}
    corners = [tuple(map(float, p)) for p in re.findall(
        r"\[([-\d.]+), ([-\d.]+)\]", store.split("outline:")[1].split("\n")[0])]

    # Visits: consecutive truth samples of one device at one point.
    truth = defaultdict(list)
    for row in csv.DictReader(open(folder + "/trace.truth.csv")):
        truth[row["device"]].append((float(row["time"]), float(row["x"]), float(row["y"])))
    visits = defaultdict(list)
    for device, samples in truth.items():
        samples.sort()
        for t, x, y in samples:
            last = visits[device][-1] if visits[device] else None
            if last and last["point"] == (x, y) and t - last["times"][-1] < 5:
                last["times"].append(t)
            else:
                visits[device].append({"device": device, "point": (x, y), "times": [t], "readings": []})
    for row in csv.DictReader(open(folder + "/trace.csv")):
        t = float(row["time"])
        for visit in visits[row["device"]]:
            if visit["times"][0] - 1.0 <= t <= visit["times"][-1]:
                visit["readings"].append((t, row["sensor"], float(row["rssi"])))
                break
    visits = [v for vs in visits.values() for v in vs]

    def distance(sensor, x, y):
        sx, sy, sz = sensors[sensor]
        return math.sqrt((sx - x) ** 2 + (sy - y) ** 2 + (sz - DEVICE_HEIGHT) ** 2)

    # The model fitted to the test readings at their true positions.
    gains = sorted({(setting(v["device"]), s) for v in visits for _, s, _ in v["readings"]})
    exponents = sorted({s for v in visits for _, s, _ in v["readings"]})
    index = {k: i for i, k in enumerate(gains)}
    index.update({s: len(gains) + i for i, s in enumerate(exponents)})
    n = len(gains) + len(exponents)
    normal = [[0.0] * n for _ in range(n)]
    right = [0.0] * n
    for v in visits:
        for _, sensor, rssi in v["readings"]:
            terms = [(index[(setting(v["device"]), sensor)], 1.0),
                     (index[sensor], -10 * math.log10(distance(sensor, *v["point"])))]
            for i, a in terms:
                right[i] += a * rssi
                for j, b in terms:
                    normal[i][j] += a * b
    solution = solve(normal, right)
    residuals = [rssi - (solution[index[(setting(v["device"]), s)]]
                         - 10 * solution[index[s]] * math.log10(distance(s, *v["point"])))
                 for v in visits for _, s, rssi in v["readings"]]
    spread = math.sqrt(sum(r * r for r in residuals) / len(residuals))
    fitted = [solution[index[s]] for s in exponents]

    survey_correlation(folder, solution, index, distance, visits)

    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    grid = [(xs_ + 0.0, ys_ + 0.0)
            for xs_ in [min(xs) + STEP * i for i in range(int((max(xs) - min(xs)) / STEP) + 1)]
            for ys_ in [min(ys) + STEP * j for j in range(int((max(ys) - min(ys)) / STEP) + 1)]]
    log_distance = {s: [10 * math.log10(distance(s, x, y)) for x, y in grid] for s in sensors}

    errors = []
    for v in visits:
        readings = sorted(v["readings"])
        squares = [0.0] * len(grid)
        sums = [0.0] * len(grid)
        count = 0
        cursor = 0

        def add(reading):
            _, sensor, rssi = reading
            gain = solution[index[(setting(v["device"]), sensor)]]
            exponent = solution[index[sensor]]
            logs = log_distance[sensor]
            for c in range(len(grid)):
                r = rssi - gain + exponent * logs[c]
                squares[c] += r * r
                sums[c] += r

        if whole_visit:
            for reading in readings:
                add(reading)
            count = len(readings)
        for t in v["times"]:
            if not whole_visit:
                while cursor < len(readings) and readings[cursor][0] <= t:
                    add(readings[cursor])
                    cursor += 1
                    count += 1
            if count == 0:
                continue
            if known_offset:
                best = min(range(len(grid)), key=lambda c: squares[c])
            else:
                best = min(range(len(grid)), key=lambda c: squares[c] - sums[c] * sums[c] / count)
            x, y = grid[best]
            errors.append(math.hypot(x - v["point"][0], y - v["point"][1]))

    print("fitted to the test readings: residual %.2f dB, exponents %.2f–%.2f, %d gains" % (
        spread, min(fitted), max(fitted), len(gains)))
    print("%d visits, %d truth samples with an estimate: median %.2f m, p90 %.2f m (%s, %s)" % (
        len(visits), len(errors), quantile(errors, 0.5), quantile(errors, 0.9),
        "phone's level known" if known_offset else "phone's level fitted",
        "every reading of the visit" if whole_visit else "the readings up to each truth time"))


def survey_correlation(folder, solution, index, distance, visits):
    def residual(device, sensor, point, rssi):
        return rssi - (solution[index[(setting(device), sensor)]]
                       - 10 * solution[index[sensor]] * math.log10(distance(sensor, *point)))

    # The survey's own fit: a gain for each beacon at each power setting, one exponent.
    rows = [(row["sensor"], (float(row["x"]), float(row["y"])), float(row["rssi"]), setting(row["device"]))
            for row in csv.DictReader(open(folder + "/survey.csv"))]
    beacons = sorted({(d, s) for s, _, _, d in rows})
    at = {s: i for i, s in enumerate(beacons)}
    n = len(beacons) + 1
    normal = [[0.0] * n for _ in range(n)]
    right = [0.0] * n
    for sensor, point, rssi, phone in rows:
        terms = [(at[(phone, sensor)], 1.0), (n - 1, -10 * math.log10(distance(sensor, *point)))]
        for i, a in terms:
            right[i] += a * rssi
            for j, b in terms:
                normal[i][j] += a * b
    fit = solve(normal, right)
    misfit = math.sqrt(sum((rssi - fit[at[(d, s)]] + 10 * fit[-1] * math.log10(distance(s, *p))) ** 2
                           for s, p, rssi, d in rows) / len(rows))
    print("the survey's own fit, a gain a beacon (at each power setting) and one exponent: exponent %.2f, residual %.2f dB" % (fit[-1], misfit))

    test, survey = defaultdict(list), defaultdict(list)
    for v in visits:
        for _, sensor, rssi in v["readings"]:
            test[(v["point"], sensor)].append(residual(v["device"], sensor, v["point"], rssi))
    for row in csv.DictReader(open(folder + "/survey.csv")):
        point = (float(row["x"]), float(row["y"]))
        if (setting(row["device"]), row["sensor"]) in index:
            survey[(point, row["sensor"])].append(residual(row["device"], row["sensor"], point, float(row["rssi"])))
    test = {k: sum(v) / len(v) for k, v in test.items() if len(v) >= 3}
    survey = {k: sum(v) / len(v) for k, v in survey.items() if len(v) >= 3}
    spans = [(0, 2), (2, 3), (3, 4), (4, 6), (6, 1e9)]
    pairs = defaultdict(list)
    for (tp, ts), tr in test.items():
        for (sp, ss), sr in survey.items():
            if ts == ss:
                d = math.dist(tp, sp)
                pairs[next(i for i, (lo, hi) in enumerate(spans) if lo <= d < hi)].append((tr, sr))
    spread = math.sqrt(sum(r * r for r in test.values()) / len(test))
    print("the residual fixed to a test point and a beacon: %.2f dB; its correlation with the same beacon's at survey points" % spread)
    for i, (lo, hi) in enumerate(spans):
        xy = pairs[i]
        if len(xy) < 10:
            continue
        mx = sum(a for a, _ in xy) / len(xy)
        my = sum(b for _, b in xy) / len(xy)
        cov = sum((a - mx) * (b - my) for a, b in xy)
        var = math.sqrt(sum((a - mx) ** 2 for a, _ in xy) * sum((b - my) ** 2 for _, b in xy))
        print("  %s m away: %.2f (%d pairs)" % ("%g–%g" % (lo, hi) if hi < 1e9 else "%g or more" % lo, cov / var, len(xy)))


if __name__ == "__main__":
    main()
