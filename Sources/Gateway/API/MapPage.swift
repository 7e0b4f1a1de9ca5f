/// The live store map served at `/`: the floor plan with its entrances and a scale bar, zones
/// shaded by occupancy, shoppers as dots with their uncertainty circles and trails and
/// passers-by outside as hollow grey rings, updated over server-sent events. Self-contained: no
/// CDN, no asset files.
enum MapPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Footfall — live store</title>
<!-- No favicon: otherwise the browser asks for /favicon.ico and logs the 404 as an error. -->
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f6f6f3; color: #222; display: flex; }
  main { flex: 1; padding: 16px; }
  aside { width: 260px; padding: 16px; background: #fff; border-left: 1px solid #ddd; min-height: 100vh; }
  h1 { font-size: 18px; margin: 0 0 8px; }
  svg { background: #fff; border: 1px solid #ccc; width: 100%; height: auto; }
  .outline { fill: none; stroke: #333; stroke-width: 0.15; }
  .zone { stroke: #888; stroke-width: 0.05; }
  .zone-label { font-size: 0.8px; fill: #444; }
  .sensor { fill: #1f6feb; }
  .sensor-label { font-size: 0.6px; fill: #1f6feb; }
  .device { fill: #d1242f; }
  .uncertainty { fill: #d1242f; fill-opacity: 0.12; stroke: #d1242f; stroke-opacity: 0.3; stroke-width: 0.04; }
  .trail { fill: none; stroke: #d1242f; stroke-opacity: 0.35; stroke-width: 0.08; }
  /* A device outside the store (a passer-by): a hollow grey ring, no shaded circle. */
  .outside .device { fill: #fff; stroke: #777; stroke-width: 0.1; }
  .outside .uncertainty { fill: none; stroke: #999; stroke-opacity: 0.6; stroke-dasharray: 0.3 0.3; }
  .outside .trail { stroke: #999; }
  .entrance { fill: #1a7f37; }
  .entrance-label { font-size: 0.7px; fill: #1a7f37; font-weight: 600; }
  .scale { stroke: #333; stroke-width: 0.12; fill: none; }
  .scale-label { font-size: 0.7px; fill: #333; }
  dl { display: grid; grid-template-columns: 1fr auto; gap: 4px 12px; margin: 0 0 16px; }
  dt { color: #555; } dd { margin: 0; font-weight: 600; text-align: right; }
  .legend span { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
  #status { font-size: 12px; color: #777; }
  /* A phone held upright: the figures below the map. */
  @media (max-width: 700px) {
    body { flex-direction: column; }
    aside { width: auto; min-height: 0; border-left: 0; border-top: 1px solid #ddd; }
  }
</style>
</head>
<body>
<main>
  <h1 id="title">Footfall</h1>
  <svg id="map" xmlns="http://www.w3.org/2000/svg"></svg>
</main>
<aside>
  <h2>Now</h2>
  <dl>
    <dt>Visitors in store</dt><dd id="visitors">0</dd>
    <dt>Devices in store</dt><dd id="devices">0</dd>
    <dt>Outside (street)</dt><dd id="outside">0</dd>
    <dt>Events seen</dt><dd id="events">0</dd>
    <dt>Dwell events</dt><dd id="dwells">0</dd>
  </dl>
  <h2>Zones</h2>
  <dl id="zones"></dl>
  <h2>Legend</h2>
  <div class="legend">
    <div><span style="background:#d1242f;border-radius:50%"></span>device in the store (circle: 1σ uncertainty)</div>
    <div><span style="background:#fff;border:2px solid #777;border-radius:50%;box-sizing:border-box"></span>outside: a passer-by, in no zone, not counted</div>
    <div><span style="background:#1f6feb"></span>sensor</div>
    <div><span style="background:#1a7f37;clip-path:polygon(50% 0,100% 100%,0 100%)"></span>entrance</div>
    <div><span style="background:rgba(255,140,0,0.6)"></span>zone, darker = more visitors in it</div>
  </div>
  <p><a id="analytics-link" href="analytics">Store analytics</a>: visitors, dwell and zones by hour and day</p>
  <p id="status">connecting…</p>
</aside>
<script>
const token = new URLSearchParams(location.search).get("token");
const auth = token ? { headers: { Authorization: "Bearer " + token } } : {};
if (token) document.getElementById("analytics-link").href = "analytics?token=" + encodeURIComponent(token);
const svg = document.getElementById("map");
const NS = "http://www.w3.org/2000/svg";
const devices = new Map();
const zoneShapes = new Map();
const zoneNames = new Map();
let eventCount = 0, dwellCount = 0, height = 0;
// On a sensor gateway, the locating gateway its observations go to (`located_by`).
let sensorGateway = null;

function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  (parent || svg).appendChild(node);
  return node;
}
// The store frame has y up; SVG has y down.
const px = p => `${p[0]},${height - p[1]}`;

async function loadLayout() {
  const layout = await (await fetch("api/layout", auth)).json();
  document.getElementById("title").textContent = layout.name + (layout.located_by ? " — a sensor gateway" : " — live");
  // A sensor gateway places no device: say where the store's map is, rather than show an
  // empty one as live.
  if (layout.located_by) sensorGateway = layout.located_by;
  const xs = layout.outline.map(p => p[0]), ys = layout.outline.map(p => p[1]);
  // Room around the store for passers-by on the street, which runs past the corners.
  const minX = Math.min(...xs) - 12, maxX = Math.max(...xs) + 12, maxY = Math.max(...ys) + 2, minY = Math.min(...ys) - 8;
  height = maxY;
  svg.setAttribute("viewBox", `${minX} ${0 - 0} ${maxX - minX} ${maxY - minY}`);
  for (const zone of layout.zones) {
    const shape = el("polygon", { class: "zone", points: zone.polygon.map(px).join(" "), fill: "rgba(255,140,0,0.05)", "data-zone": zone.id });
    zoneShapes.set(zone.id, shape);
    zoneNames.set(zone.id, zone.name);
    const cx = zone.polygon.reduce((s, p) => s + p[0], 0) / zone.polygon.length;
    const cy = zone.polygon.reduce((s, p) => s + p[1], 0) / zone.polygon.length;
    el("text", { class: "zone-label", x: cx - 1.5, y: height - cy }).textContent = zone.name;
  }
  el("polygon", { class: "outline", points: layout.outline.map(px).join(" ") });
  // Each entrance: a triangle pointing into the store from the street (below the outline).
  for (const e of layout.entrances) {
    const [x, y] = [e[0], height - e[1]];
    el("polygon", { class: "entrance", points: `${x - 0.8},${y + 1.2} ${x + 0.8},${y + 1.2} ${x},${y}`, "data-entrance": `${e[0]},${e[1]}` });
    el("text", { class: "entrance-label", x: x + 1, y: y + 1.2 }).textContent = "entrance";
  }
  // A 5 m scale bar in the street's corner, below the store's left edge.
  const sx = Math.min(...xs), sy = height - minY - 1.5;
  el("polyline", { class: "scale", points: `${sx},${sy - 0.4} ${sx},${sy} ${sx + 5},${sy} ${sx + 5},${sy - 0.4}`, "data-scale-metres": 5 });
  el("text", { class: "scale-label", x: sx + 1.7, y: sy - 0.5 }).textContent = "5 m";
  for (const sensor of layout.sensors) {
    el("rect", { class: "sensor", x: sensor.position[0] - 0.25, y: height - sensor.position[1] - 0.25, width: 0.5, height: 0.5, "data-sensor": sensor.id });
    el("text", { class: "sensor-label", x: sensor.position[0] + 0.35, y: height - sensor.position[1] + 0.2 }).textContent = sensor.id;
  }
}

function place(d) {
  let entry = devices.get(d.id);
  if (!entry) {
    const group = el("g", { class: "device-group", "data-device": d.id });
    entry = {
      group, trail: [],
      path: el("polyline", { class: "trail", points: "" }, group),
      circle: el("circle", { class: "uncertainty", r: 1 }, group),
      dot: el("circle", { class: "device", r: 0.3 }, group),
    };
    devices.set(d.id, entry);
  }
  entry.trail.push([d.x, d.y]);
  if (entry.trail.length > 20) entry.trail.shift();
  entry.path.setAttribute("points", entry.trail.map(px).join(" "));
  entry.circle.setAttribute("cx", d.x); entry.circle.setAttribute("cy", height - d.y);
  entry.circle.setAttribute("r", Math.max(0.3, d.uncertainty));
  entry.dot.setAttribute("cx", d.x); entry.dot.setAttribute("cy", height - d.y);
  entry.group.setAttribute("class", d.inside ? "device-group" : "device-group outside");
}

async function refresh() {
  const o = await (await fetch("api/occupancy", auth)).json();
  document.getElementById("visitors").textContent = o.visitors;
  const zones = document.getElementById("zones");
  zones.replaceChildren();
  for (const [id, shape] of zoneShapes) {
    const n = o.zones[id] || 0;
    shape.setAttribute("fill", `rgba(255,140,0,${Math.min(0.7, 0.05 + n * 0.08)})`);
    // Names come from the store file: set as text, never parsed as HTML.
    const term = document.createElement("dt"), count = document.createElement("dd");
    term.textContent = zoneNames.get(id); count.textContent = n;
    zones.append(term, count);
  }
  // The map holds the devices the gateway places now: one it no longer places (unheard for
  // 30 s of its data's time) leaves, one whose position the stream has not brought yet comes,
  // and the counts are of the same list, inside and outside. (One the stream places between
  // this list and the next is drawn at once, and counted with the next.)
  const list = await (await fetch("api/devices", auth)).json();
  const placed = new Set(list.map(d => d.id));
  for (const [id, entry] of devices) {
    if (!placed.has(id)) { entry.group.remove(); devices.delete(id); }
  }
  for (const d of list) if (!devices.has(d.id)) place(d);
  const inside = list.filter(d => d.inside).length;
  document.getElementById("devices").textContent = inside;
  document.getElementById("outside").textContent = list.length - inside;
}

// The devices placed right now, so the map is full at once; the stream then moves them.
async function loadDevices() {
  const list = await (await fetch("api/devices", auth)).json();
  for (const d of list) place(d);
}

function connect() {
  const stream = new EventSource("api/stream" + (token ? "?token=" + encodeURIComponent(token) : ""));
  stream.addEventListener("position", e => place(JSON.parse(e.data)));
  stream.addEventListener("event", e => {
    const event = JSON.parse(e.data);
    eventCount++; if (event.type === "zone.dwell") dwellCount++;
    document.getElementById("events").textContent = eventCount;
    document.getElementById("dwells").textContent = dwellCount;
  });
  stream.onopen = () => document.getElementById("status").textContent = sensorGateway
    ? `this gateway hears the store's sensors and sends what they hear to ${sensorGateway}, which places the devices: open its map`
    : "live";
  stream.onerror = () => document.getElementById("status").textContent = "reconnecting…";
}

// A refresh that fails (the daemon restarting) says so and is tried again on the next beat.
const beat = () => refresh().catch(() => { document.getElementById("status").textContent = "reconnecting…"; });
loadLayout().then(loadDevices).then(refresh).then(() => { connect(); setInterval(beat, 2000); });
</script>
</body>
</html>
"""#
}
