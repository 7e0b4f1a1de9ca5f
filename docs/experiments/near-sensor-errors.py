# The locator's error and the bar's by how far the truth is from one sensor, with the locator's
# mean offset (estimate less truth): where a device keeps by a receiver, the nearest-sensor
# baseline answers with the receiver itself.
#
#   FootfallAccuracy --only "kolakowski robot" --errors DIR
#   python3 docs/experiments/near-sensor-errors.py DIR/kolakowski-robot.csv 0.79 6.75     (anchor 2)
import csv
import math
import statistics
import sys

if len(sys.argv) != 4:
    sys.exit("usage: near-sensor-errors.py ERRORS.csv SENSOR_X SENSOR_Y")
rows = list(csv.DictReader(open(sys.argv[1])))
sx, sy = float(sys.argv[2]), float(sys.argv[3])
print(f"{len(rows)} samples")
for low, high in [(0, 1), (1, 2), (2, math.inf)]:
    near = [r for r in rows if low <= math.hypot(float(r['truth_x']) - sx, float(r['truth_y']) - sy) < high]
    if not near:
        continue
    locator = statistics.median(float(r['locator_error_m']) for r in near)
    bar = statistics.median(float(r['bar_error_m']) for r in near)
    dx = statistics.mean(float(r['locator_x']) - float(r['truth_x']) for r in near)
    dy = statistics.mean(float(r['locator_y']) - float(r['truth_y']) for r in near)
    print(f"{low}–{high} m from the sensor: {len(near)} samples, locator median {locator:.2f} m, "
          f"bar median {bar:.2f} m, locator offset {dx:+.2f}, {dy:+.2f} m")
