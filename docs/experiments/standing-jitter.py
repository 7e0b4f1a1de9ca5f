# How far the estimate of a shopper standing still moves from one second to the next, beside its
# `uncertainty_m` (which the zone margin scales with) and its error. A truth sample counts as
# standing when the shopper has moved less than 0.1 m over the 5 s before it; for each, the
# newest estimate at or before it is compared with the newest at or before the previous sample.
#
#   footfall simulate --store STORE --hours 1 --seed 7 --out t.csv
#   footfall replay t.csv --store STORE --truth t.truth.csv --positions p.csv
#   python3 docs/experiments/standing-jitter.py t.truth.csv p.csv
import bisect
import csv
import math
import statistics
import sys

if len(sys.argv) != 3:
    sys.exit("usage: standing-jitter.py TRUTH.csv POSITIONS.csv")
truth, estimates = {}, {}
for r in csv.DictReader(open(sys.argv[1])):
    truth.setdefault(r['device'], []).append((float(r['time']), float(r['x']), float(r['y'])))
for r in csv.DictReader(open(sys.argv[2])):
    estimates.setdefault(r['device'], []).append(
        (float(r['time']), float(r['x']), float(r['y']), float(r['uncertainty_m'])))

steps, uncertainties, errors = [], [], []
for device, samples in truth.items():
    placed = estimates.get(device)
    if not placed:
        continue
    times = [p[0] for p in placed]
    for k in range(5, len(samples)):
        t, x, y = samples[k]
        t0, x0, y0 = samples[k - 5]
        if t - t0 > 5.5 or math.hypot(x - x0, y - y0) > 0.1:
            continue
        now, before = bisect.bisect_right(times, t) - 1, bisect.bisect_right(times, samples[k - 1][0]) - 1
        if before < 0:
            continue
        _, ex, ey, u = placed[now]
        steps.append(math.hypot(ex - placed[before][1], ey - placed[before][2]))
        uncertainties.append(u)
        errors.append(math.hypot(ex - x, ey - y))

if not steps:
    sys.exit("no standing samples with estimates")
print(f"{len(steps)} standing samples: the estimate moves {statistics.median(steps):.2f} m a second at the median "
      f"(mean {statistics.mean(steps):.2f}); uncertainty_m median {statistics.median(uncertainties):.2f} m; "
      f"error median {statistics.median(errors):.2f} m")
