#!/usr/bin/env python3
"""The locator's median error over each span of a case's time.

Reads CSVs written by `FootfallAccuracy --errors DIR` and prints, for each, the median error
of the samples in each span of `--minutes` (10 by default) from the case's first sample: how
the locator does while it learns the sensors' gains, and after.

    swift run -c release FootfallAccuracy --only sim --errors /tmp/errors
    python3 docs/experiments/errors-over-time.py /tmp/errors/sim-wall-125.csv
"""
import argparse
import csv


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+")
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    for path in args.csv:
        rows = [r for r in csv.DictReader(open(path)) if r["locator_error_m"]]
        start = min(float(r["time"]) for r in rows)
        spans = {}
        for r in rows:
            spans.setdefault(int((float(r["time"]) - start) / (60 * args.minutes)), []).append(float(r["locator_error_m"]))
        parts = [
            f"{k * args.minutes:g}–{(k + 1) * args.minutes:g} min: {median(v):.2f} m ({len(v)})" for k, v in sorted(spans.items())
        ]
        print(f"{path}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
