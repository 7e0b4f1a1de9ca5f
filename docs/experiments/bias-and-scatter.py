#!/usr/bin/env python3
"""How much of a standing phone's error is a bias fixed to its point, and how much scatter.

Reads the CSVs `FootfallAccuracy --errors DIR` writes for the UJI cases, where a phone stands
at each test point for some seconds (a visit: consecutive samples of one device at one point).
For each visit, the estimates from its `--after`-th second on (5 by default, once the estimate
has come over from the point before) are averaged: the bias is the distance from that mean to
the point, the scatter the median distance of the estimates from their own mean. It prints the
medians over the visits, for the locator and for the bar's baseline.

    swift run -c release FootfallAccuracy --only "uji office" --errors /tmp/errors
    python3 docs/experiments/bias-and-scatter.py /tmp/errors/uji-office.csv
"""
import argparse
import csv
import math


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+")
    parser.add_argument("--after", type=float, default=5)
    args = parser.parse_args()
    for path in args.csv:
        visits = []
        key = None
        for row in csv.DictReader(open(path)):
            here = (row["device"], row["truth_x"], row["truth_y"])
            if here != key:
                key = here
                start = float(row["time"])
                visits.append([])
            if float(row["time"]) - start >= args.after and row["locator_x"] and row["bar_x"]:
                visits[-1].append(row)
        visits = [v for v in visits if len(v) >= 3]
        print(path.split("/")[-1], "-", len(visits), "visits with 3 samples or more from second %g" % args.after)
        for name, prefix in (("locator", "locator"), ("bar", "bar")):
            biases, scatters = [], []
            for visit in visits:
                tx, ty = float(visit[0]["truth_x"]), float(visit[0]["truth_y"])
                xs = [float(r[prefix + "_x"]) for r in visit]
                ys = [float(r[prefix + "_y"]) for r in visit]
                mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
                biases.append(math.hypot(mx - tx, my - ty))
                scatters.append(median([math.hypot(x - mx, y - my) for x, y in zip(xs, ys)]))
            print("  %-8s bias %.2f m, scatter %.2f m (medians over the visits)" % (name, median(biases), median(scatters)))


if __name__ == "__main__":
    main()
