# How honest the reported uncertainty is: each sample's error against its `uncertainty_m`, the
# one-sigma radius per axis (a Gaussian puts 39.3 % of errors within it, 86.5 % within twice it).
#
#   python3 docs/experiments/honesty.py TRUTH.csv POSITIONS.csv
#       footfall simulate --out and footfall replay --positions: for each truth sample the newest
#       estimate at or before it, as make accuracy scores
#   python3 docs/experiments/honesty.py DIR
#       every case written by `FootfallAccuracy --errors DIR`, one row each, with the factor the
#       uncertainty would need to be multiplied by for 39.3 % of the errors to lie within it
import sys, csv, bisect, math, glob, os


def report(name, errs, sig):
    n = len(errs)
    in1 = sum(e <= s for e, s in zip(errs, sig))
    in2 = sum(e <= 2 * s for e, s in zip(errs, sig))
    ratios = sorted(e / s for e, s in zip(errs, sig) if s > 0)
    factor = ratios[int(0.393 * (len(ratios) - 1))] if ratios else float('nan')
    errs, sig = sorted(errs), sorted(sig)
    q = lambda a, p: a[int(p * (len(a) - 1))]
    print(f"{name}: n={n} error median {q(errs,.5):.2f} p90 {q(errs,.9):.2f}; uncertainty median {q(sig,.5):.2f}; "
          f"within 1σ {100*in1/n:.1f}% (Gaussian 39.3%), within 2σ {100*in2/n:.1f}% (86.5%); factor {factor:.2f}")


if len(sys.argv) == 2:
    for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.csv'))):
        if path.endswith('-learnt-radio.csv'):
            continue
        errs, sig = [], []
        for r in csv.DictReader(open(path)):
            e, s = float(r['locator_error_m'] or 'inf'), float(r['locator_uncertainty_m'] or 'inf')
            if math.isfinite(e) and math.isfinite(s):
                errs.append(e); sig.append(s)
        if errs:
            report(os.path.basename(path)[:-4], errs, sig)
    sys.exit(0)

truth, pos = sys.argv[1], sys.argv[2]
est = {}
for r in csv.DictReader(open(pos)):
    est.setdefault(r['device'], []).append((float(r['time']), float(r['x']), float(r['y']), float(r['uncertainty_m'])))
for v in est.values(): v.sort()
times = {d: [e[0] for e in v] for d, v in est.items()}
errs = []; sig = []
for r in csv.DictReader(open(truth)):
    d = r['device']; t = float(r['time'])
    if d not in est: continue
    i = bisect.bisect_right(times[d], t) - 1
    if i < 0: continue
    _, x, y, s = est[d][i]
    errs.append(math.hypot(x - float(r['x']), y - float(r['y']))); sig.append(s)
report(pos, errs, sig)
