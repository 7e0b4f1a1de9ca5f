# How much weaker a receiver hears a device nearly below it than the log-distance model fitted to
# all its readings says: the Kolakowski flat's survey, each anchor's readings fitted by least
# squares (level at 1 m and exponent over the slant distance, the tag 1.3 m up as
# `footfall convert kolakowski` places it), the residuals averaged by the elevation angle from
# the anchor down to the tag (0° level with it, 90° straight below). Bins of fewer than 20
# readings are left out.
#
#   python3 docs/experiments/elevation-residuals.py ../shared/datasets/ble-flat-kolakowski
import csv
import math
import os
import sys

if len(sys.argv) != 2:
    sys.exit("usage: elevation-residuals.py DATASET_DIR (ble-flat-kolakowski)")
root = sys.argv[1]
tag_height = 1.3
anchors = {}
for r in csv.DictReader(open(os.path.join(root, 'anchors.csv'))):
    anchors[r['id']] = (float(r['x']), float(r['y']), float(r['z']))
rows = list(csv.DictReader(open(os.path.join(root, 'calibration', 'calibration_df.csv'))))
bins = [(0, 15), (15, 30), (30, 45), (45, 60), (60, 90)]
print("anchor  fitted level / exponent  " + "  ".join(f"{lo}–{hi}°" for lo, hi in bins))
for name, (ax, ay, az) in anchors.items():
    xs, rs, es = [], [], []
    for r in rows:
        value = r.get(f'rssi_{name}', '')
        if not value or value == 'nan':
            continue
        horizontal = math.hypot(float(r['x']) - ax, float(r['y']) - ay)
        xs.append(math.log10(math.hypot(horizontal, az - tag_height)))
        rs.append(float(value))
        es.append(math.degrees(math.atan2(abs(az - tag_height), horizontal)))
    n = len(xs)
    mx, mr = sum(xs) / n, sum(rs) / n
    slope = sum((x - mx) * (r - mr) for x, r in zip(xs, rs)) / sum((x - mx) ** 2 for x in xs)
    level = mr - slope * mx
    cells = []
    for lo, hi in bins:
        left = [r - (level + slope * x) for x, r, e in zip(xs, rs, es) if lo <= e < hi]
        cells.append(f"{sum(left) / len(left):+5.1f} ({len(left)})" if len(left) >= 20 else "    –     ")
    print(f"{name:>6}  {level:7.1f} dBm / {-slope / 10:4.2f}       " + "  ".join(cells))
