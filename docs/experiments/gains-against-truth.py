#!/usr/bin/env python3
"""Compares the sensor gains learnt with what the true positions would have taught them.

Reads the `*-learnt-radio.csv` that `FootfallAccuracy --errors DIR` writes for a simulated
store and prints, with each column less its mean (a gain common to every sensor is the
phones' offset's, which the locator fits apart): the slope of learnt on taught (1: the whole
contrast learnt), their correlation, and the rms difference in dB.

    swift run -c release FootfallAccuracy --only "sim wall-125" --errors /tmp/errors
    python3 docs/experiments/gains-against-truth.py /tmp/errors/sim-wall-125-learnt-radio.csv
"""
import csv
import math
import sys


def main():
    rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["kind"] == "sensor_gain" and r["taught_by_true_positions"]]
    learnt = [float(r["value"]) for r in rows]
    taught = [float(r["taught_by_true_positions"]) for r in rows]
    ml, mt = sum(learnt) / len(learnt), sum(taught) / len(taught)
    l = [x - ml for x in learnt]
    t = [x - mt for x in taught]
    slope = sum(a * b for a, b in zip(t, l)) / sum(a * a for a in t)
    correlation = sum(a * b for a, b in zip(t, l)) / math.sqrt(sum(a * a for a in t) * sum(b * b for b in l))
    rms = math.sqrt(sum((a - b) ** 2 for a, b in zip(t, l)) / len(t))
    for r, a, b in zip(rows, l, t):
        print(f"{r['sensor']:>6s}  learnt {a:+6.2f} dB  taught {b:+6.2f} dB  ({float(r['devices']):.0f} devices)")
    print(f"{len(rows)} sensors: slope {slope:.2f}, correlation {correlation:.2f}, rms difference {rms:.2f} dB")


if __name__ == "__main__":
    main()
