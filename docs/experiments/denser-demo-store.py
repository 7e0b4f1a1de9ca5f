# The demo store with more sensors: its file with the eight ceiling sensors replaced by a grid
# of COLUMNS × ROWS at the same 2.8 m, each stating one of the demo store's eight path losses in
# turn (the demo sensors' own spread), everything else (outline, zones, presence) unchanged.
# For measuring what sensor density buys on the presence targets (docs/positioning.md, "More
# sensors: the presence targets on a denser demo store").
#
#   python3 docs/experiments/denser-demo-store.py 4 4 /tmp/demo16     (16 sensors, 62.5 m² each)
#   python3 docs/experiments/denser-demo-store.py 8 4 /tmp/demo32     (32 sensors, 31 m² each)
#   swift run -c release FootfallAccuracy --only demo --demo-store /tmp/demo16/store.yaml
import os
import re
import sys

if len(sys.argv) != 4:
    sys.exit("usage: denser-demo-store.py COLUMNS ROWS OUT_DIR")
columns, rows, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
here = os.path.dirname(os.path.abspath(__file__))
source = open(os.path.join(here, '..', '..', 'calibration', 'demo-store', 'store.yaml')).read()

# The demo store's eight sensors' path losses, in its order.
losses = re.findall(r'rssi_at_1m: (-?[\d.]+), exponent: ([\d.]+)', source)
if len(losses) != 8:
    sys.exit("calibration/demo-store/store.yaml: expected 8 sensors with a path_loss, found %d" % len(losses))
outline = re.search(r'outline: \[\[0, 0\], \[([\d.]+), 0\], \[[\d.]+, ([\d.]+)\]', source)
width, depth = float(outline.group(1)), float(outline.group(2))

lines = ["sensors:"]
for r in range(rows):
    for c in range(columns):
        i = r * columns + c
        level, exponent = losses[i % len(losses)]
        x, y = (c + 0.5) * width / columns, (r + 0.5) * depth / rows
        lines.append(f"  - id: s{i + 1}\n    position: [{x:g}, {y:g}, 2.8]\n"
                     f"    path_loss: {{ rssi_at_1m: {level}, exponent: {exponent} }}")
denser, n = re.subn(r"^sensors:\n(?:  - id:.*\n(?:    .*\n)*)+", "\n".join(lines) + "\n", source, flags=re.M)
if n != 1:
    sys.exit("calibration/demo-store/store.yaml: its sensors: block was not found")
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'store.yaml'), 'w') as f:
    f.write(denser)
print(f"{os.path.join(out, 'store.yaml')}: {rows * columns} sensors, {width * depth / (rows * columns):g} m² each")
