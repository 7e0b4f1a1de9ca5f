#!/usr/bin/env python3
"""How many of a simulated store's samples the locator placed on the street while the shopper
was inside, and what the median and p90 would be without them.

Reads the CSVs `FootfallAccuracy --only sim --errors DIR` writes. Every simulated store of
`make accuracy` has its storefront along y = 0 with the street below it, so an estimate at
y < 0 of a shopper whose true y is >= 0 is one placed outside the walls.

    python3 docs/experiments/placed-outside.py DIR/sim-*.csv
"""
import csv
import sys


def quantile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


for path in sys.argv[1:]:
    if path.endswith("-learnt-radio.csv"):
        continue
    rows = [r for r in csv.DictReader(open(path)) if r["locator_x"]]
    if not rows:
        continue
    outside = [float(r["locator_y"]) < 0 <= float(r["truth_y"]) for r in rows]
    errors = [float(r["locator_error_m"]) for r in rows]
    kept = [e for e, out in zip(errors, outside) if not out]
    print("%-34s placed outside while inside: %5.1f %%   median %.2f m (%.2f without them)   p90 %.2f m (%.2f)" % (
        path.split("/")[-1], 100 * sum(outside) / len(rows), quantile(errors, 0.5), quantile(kept, 0.5),
        quantile(errors, 0.9), quantile(kept, 0.9)))
