# How honest the reported uncertainty is: for each truth sample the newest estimate at or before it
# (as make accuracy scores), its error against its `uncertainty_m`.
# python3 docs/experiments/honesty.py TRUTH.csv POSITIONS.csv  (footfall simulate --out, footfall replay --positions)
import sys, csv, bisect, math
truth, pos = sys.argv[1], sys.argv[2]
est = {}
for r in csv.DictReader(open(pos)):
    est.setdefault(r['device'], []).append((float(r['time']), float(r['x']), float(r['y']), float(r['uncertainty_m'])))
for v in est.values(): v.sort()
times = {d: [e[0] for e in v] for d, v in est.items()}
errs = []; sig = []; in1 = in2 = n = 0
for r in csv.DictReader(open(truth)):
    d = r['device']; t = float(r['time'])
    if d not in est: continue
    i = bisect.bisect_right(times[d], t) - 1
    if i < 0: continue
    _, x, y, s = est[d][i]
    e = math.hypot(x - float(r['x']), y - float(r['y']))
    errs.append(e); sig.append(s); n += 1
    in1 += e <= s; in2 += e <= 2 * s
errs.sort(); sig.sort()
q = lambda a, p: a[int(p * (len(a) - 1))]
print(f"{pos}: n={n} error median {q(errs,.5):.2f} p90 {q(errs,.9):.2f}; uncertainty median {q(sig,.5):.2f}; within 1σ {100*in1/n:.1f}% (Gaussian 39.3%), within 2σ {100*in2/n:.1f}% (86.5%)")
