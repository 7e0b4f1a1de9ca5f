#!/usr/bin/env python3
"""Splits a case's errors into along and across a line of sensors.

Reads a CSV written by `FootfallAccuracy --errors DIR` (one per case) and, for the locator
and the bar, prints the median error along x and across y, and the median and p90 error had
the estimate's y been held at `--line` (the line the sensors stand on) with its x kept.
Where every sensor stands on one line, the readings are the same for a device on either side
of it at the same distance, so nothing in them says which side the device is on.

    swift run -c release FootfallAccuracy --only "sim narrow" --errors /tmp/errors
    python3 docs/experiments/across-and-along.py /tmp/errors/sim-narrow-50x8.csv --line 4
"""
import argparse
import csv
import math


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--line", type=float, required=True, help="y of the line the sensors stand on (m)")
    args = parser.parse_args()
    rows = [r for r in csv.DictReader(open(args.csv)) if r["truth_x"] and r["locator_x"] and r["bar_x"]]
    truth_y = [float(r["truth_y"]) for r in rows]
    print(f"{len(rows)} samples; true distance from the line: median {quantile([abs(y - args.line) for y in truth_y], 0.5):.2f} m")
    for name in ("locator", "bar"):
        dx = [abs(float(r[f"{name}_x"]) - float(r["truth_x"])) for r in rows]
        dy = [abs(float(r[f"{name}_y"]) - float(r["truth_y"])) for r in rows]
        error = [math.hypot(a, b) for a, b in zip(dx, dy)]
        held = [math.hypot(a, args.line - y) for a, y in zip(dx, truth_y)]
        across = [float(r[f"{name}_y"]) for r in rows]
        print(
            f"{name:8s} error median {quantile(error, 0.5):.2f} / p90 {quantile(error, 0.9):.2f} m; "
            f"along (|dx|) median {quantile(dx, 0.5):.2f} m, across (|dy|) median {quantile(dy, 0.5):.2f} m; "
            f"y itself: mean {sum(across) / len(across):.2f}, spread {(sum((v - sum(across) / len(across)) ** 2 for v in across) / len(across)) ** 0.5:.2f} m; "
            f"with y held on the line: median {quantile(held, 0.5):.2f} / p90 {quantile(held, 0.9):.2f} m")


if __name__ == "__main__":
    main()
