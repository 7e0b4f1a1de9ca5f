/// The store analytics page served at `/analytics`, beside the live map: visitors and
/// passers-by with the capture rate, the dwell distribution, a heat map of zones by time of
/// day, returning versus new shoppers, and a date range picker. Self-contained (no CDN, no
/// asset files), drawn as SVG from `GET /api/analytics`; laid out for a tablet.
enum AnalyticsPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Footfall — store analytics</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px system-ui, sans-serif; margin: 0; background: #f6f6f3; color: #222; }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; padding: 12px 20px; background: #fff; border-bottom: 1px solid #ddd; }
  h1 { font-size: 20px; margin: 0; flex: 1; }
  header a { color: #1f6feb; }
  form { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
  input, button { font: inherit; padding: 6px 8px; }
  button { background: #1f6feb; color: #fff; border: 0; border-radius: 4px; padding: 7px 16px; }
  main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; padding: 16px 20px; }
  @media (max-width: 920px) { main { grid-template-columns: minmax(0, 1fr); } }
  section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  svg { width: 100%; height: auto; display: block; }
  .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; margin: 0; }
  .kpis div { background: #f6f6f3; border-radius: 6px; padding: 8px 12px; }
  .kpis dt { font-size: 13px; color: #555; } .kpis dd { margin: 0; font-size: 26px; font-weight: 600; }
  .axis { font-size: 11px; fill: #555; } .grid { stroke: #eee; }
  .bar-visitors { fill: #1f6feb; } .bar-passers { fill: #b8b8b8; } .capture { fill: none; stroke: #e36209; stroke-width: 2; }
  .bar-dwell { fill: #1a7f37; } .value { font-size: 11px; fill: #222; text-anchor: middle; }
  .legend { font-size: 13px; color: #444; } .legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
  #status { font-size: 13px; color: #777; }
  #status.error { color: #b42318; font-weight: 600; }
  main.stale { opacity: 0.35; }
</style>
</head>
<body>
<header>
  <h1 id="title">Store analytics</h1>
  <form id="range">
    <label>From <input type="date" id="from" required></label>
    <label>to <input type="date" id="to" required></label>
    <button type="submit">Show</button>
  </form>
  <a id="map-link" href="./">Live map</a>
  <p id="status" role="status">loading…</p>
</header>
<main>
  <section class="wide"><dl class="kpis" id="kpis"></dl></section>
  <section class="wide">
    <h2 id="traffic-title">Visitors and passers-by</h2>
    <div class="legend"><span style="background:#1f6feb"></span>visitors<span style="background:#b8b8b8"></span>passers-by<span style="background:#e36209;height:3px"></span>capture rate (right axis)</div>
    <svg id="traffic" viewBox="0 0 960 260"></svg>
  </section>
  <section><h2>How long visits last</h2><svg id="dwell" viewBox="0 0 460 240"></svg></section>
  <section><h2>Returning and new shoppers</h2><svg id="returning" viewBox="0 0 460 240"></svg></section>
  <section class="wide">
    <h2>Zones by time of day <small id="heatmap-note" class="legend">(mean visitors in the zone)</small></h2>
    <svg id="heatmap" viewBox="0 0 960 200"></svg>
  </section>
</main>
<script>
const params = new URLSearchParams(location.search);
const token = params.get("token");
const auth = token ? { headers: { Authorization: "Bearer " + token } } : {};
const NS = "http://www.w3.org/2000/svg";
const DAY = 86400000;
if (token) document.getElementById("map-link").href = "./?token=" + encodeURIComponent(token);

function el(name, attrs, parent, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}
const isoDate = ms => new Date(ms).toISOString().slice(0, 10);
const pct = r => (r * 100).toFixed(1) + " %";
// The axis top: four whole steps of 1, 2 or 5 × 10^k covering `max`.
const nice = max => { const raw = Math.max(1, max / 4), p = Math.pow(10, Math.floor(Math.log10(raw))); return 4 * ([1, 2, 5, 10].find(m => m * p >= raw) * p); };

// Bars of one or two series over labels, a value axis, and optionally a 0–100 % line.
function barChart(svg, labels, series, line) {
  svg.replaceChildren();
  const [W, H] = svg.getAttribute("viewBox").split(" ").slice(2).map(Number);
  const left = 44, right = line ? 44 : 10, top = 16, bottom = 34, w = W - left - right, h = H - top - bottom;
  const max = nice(Math.max(1, ...series.flatMap(s => s.values)));
  for (let i = 0; i <= 4; i++) {
    const y = top + h - h * i / 4;
    el("line", { x1: left, x2: left + w, y1: y, y2: y, class: "grid" }, svg);
    el("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, svg, Math.round(max * i / 4));
    if (line) el("text", { x: left + w + 6, y: y + 4, class: "axis" }, svg, (25 * i) + "%");
  }
  const slot = w / Math.max(1, labels.length), barW = Math.max(1, slot * 0.8 / series.length);
  const every = Math.ceil(labels.length / 16);
  labels.forEach((label, i) => {
    series.forEach((s, k) => {
      const v = s.values[i], bh = h * v / max;
      el("rect", { x: left + i * slot + slot * 0.1 + k * barW, y: top + h - bh, width: barW, height: bh, class: s.cls, "data-value": v }, svg)
        .appendChild(el("title", {}, null, s.name + " " + label + ": " + v));
      if (series.length === 1 && v > 0) el("text", { x: left + i * slot + slot / 2, y: top + h - bh - 4, class: "value" }, svg, v);
    });
    if (i % every === 0) el("text", { x: left + i * slot + slot / 2, y: H - bottom + 16, class: "axis", "text-anchor": "middle" }, svg, label);
  });
  if (line) {
    const points = line.values.map((r, i) => [left + i * slot + slot / 2, top + h - h * r]).map(p => p.join(",")).join(" ");
    el("polyline", { points, class: "capture", "data-points": line.values.length }, svg);
  }
}

function showKPIs(t) {
  const kpis = document.getElementById("kpis");
  kpis.replaceChildren();
  const returning = t.identified.returning, fresh = t.identified.first_time;
  for (const [name, value, id] of [
    ["Visitors", t.visitors, "visitors"], ["Passers-by", t.passers_by, "passers-by"], ["Capture rate", pct(t.capture_rate), "capture"],
    ["Engaged visitors", t.engaged_visitors, "engaged"], ["Returning shoppers", returning, "returning-count"], ["New shoppers", fresh, "new-count"],
  ]) {
    const box = document.createElement("div");
    box.innerHTML = "<dt></dt><dd></dd>";
    box.querySelector("dt").textContent = name;
    box.querySelector("dd").textContent = value;
    box.querySelector("dd").id = "kpi-" + id;
    kpis.appendChild(box);
  }
}

// Hours of one or two days as they are; longer ranges summed by day, and so is a range with a
// day kept without its time of day (compacted: its counts all in one hour, `whole_days`).
function showTraffic(summary, days) {
  let labels, visitors, passers;
  if (days <= 2 && !summary.buckets.some(b => b.whole_days)) {
    labels = summary.buckets.map(b => b.start.slice(days > 1 ? 5 : 11, 13).replace("T", " ") + (days > 1 ? "h" : ":00"));
    visitors = summary.buckets.map(b => b.visitors);
    passers = summary.buckets.map(b => b.passers_by);
    document.getElementById("traffic-title").textContent = "Visitors and passers-by per hour (UTC)";
  } else {
    const byDay = new Map();
    for (const b of summary.buckets) {
      const d = b.start.slice(0, 10), e = byDay.get(d) || { v: 0, p: 0 };
      e.v += b.visitors; e.p += b.passers_by; byDay.set(d, e);
    }
    labels = [...byDay.keys()].map(d => d.slice(5));
    visitors = [...byDay.values()].map(e => e.v);
    passers = [...byDay.values()].map(e => e.p);
    document.getElementById("traffic-title").textContent = "Visitors and passers-by per day";
  }
  const capture = visitors.map((v, i) => v + passers[i] ? v / (v + passers[i]) : 0);
  barChart(document.getElementById("traffic"), labels,
    [{ name: "visitors", cls: "bar-visitors", values: visitors }, { name: "passers-by", cls: "bar-passers", values: passers }],
    { values: capture });
}

function showReturning(t) {
  const i = t.identified;
  barChart(document.getElementById("returning"), ["new", "daily", "weekly", "monthly", "occasional", "unidentified"],
    [{ name: "visitors", cls: "bar-visitors", values: [i.first_time, i.daily, i.weekly, i.monthly, i.occasional, t.unidentified_visitors] }]);
}

// Rows of zones, a column per hour of the day: mean visitors in the zone over the range.
function showHeatmap(summary, days) {
  const svg = document.getElementById("heatmap");
  svg.replaceChildren();
  const zones = summary.zones, hourly = summary.bucket === "hour";
  const left = 160, top = 8, W = 960, cellW = (W - left - 10) / 24, cellH = 24;
  svg.setAttribute("viewBox", `0 0 ${W} ${top + cellH * zones.length + 24}`);
  const occupancy = zones.map(() => new Array(24).fill(0));
  // Days kept without their time of day are left out, and the mean taken over the others.
  const wholeDays = new Set(summary.buckets.filter(b => b.whole_days).map(b => b.start.slice(0, 10)));
  const kept = Math.max(0, days - wholeDays.size);
  if (hourly && kept > 0) for (const b of summary.buckets) {
    if (wholeDays.has(b.start.slice(0, 10))) continue;
    const hour = Number(b.start.slice(11, 13));
    zones.forEach((z, r) => occupancy[r][hour] += (b.zones[z]?.seconds || 0) / 3600 / kept);
  }
  const max = Math.max(0.0001, ...occupancy.flat());
  zones.forEach((z, r) => {
    el("text", { x: left - 8, y: top + r * cellH + cellH / 2 + 4, class: "axis", "text-anchor": "end" }, svg, zoneNames.get(z) || z);
    for (let hour = 0; hour < 24; hour++) {
      const v = occupancy[r][hour];
      el("rect", { x: left + hour * cellW, y: top + r * cellH, width: cellW - 1, height: cellH - 1, class: "cell", "data-zone": z, "data-hour": hour,
        "data-value": v.toFixed(3), fill: `rgba(255,140,0,${(0.06 + 0.94 * v / max).toFixed(3)})` }, svg)
        .appendChild(el("title", {}, null, `${zoneNames.get(z) || z} ${hour}:00 — ${v.toFixed(2)} visitors on average`));
    }
  });
  for (let hour = 0; hour < 24; hour += 2) el("text", { x: left + hour * cellW + cellW / 2, y: top + zones.length * cellH + 16, class: "axis", "text-anchor": "middle" }, svg, hour + "h");
  const left_out = wholeDays.size === 1 ? "1 day" : wholeDays.size + " days";
  document.getElementById("heatmap-note").textContent = !hourly ? "(pick 31 days or fewer to see the time of day)"
    : kept === 0 ? "(the time of day is kept for the last 7 days; these are older)"
    : wholeDays.size ? `(mean visitors in the zone, UTC, over ${kept} day${kept === 1 ? "" : "s"}; ${left_out} older than a week keep no time of day)`
    : "(mean visitors in the zone, UTC)";
}

// A range not shown is said beside the dates, and the figures still on the page greyed out:
// they are the last range's, not this one's.
function refuse(message) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.className = "error";
  document.querySelector("main").className = "stale";
}

// The zones' names as the live map shows them (the analytics name zones by id).
const zoneNames = new Map();
const names = fetch("api/layout", auth).then(r => r.ok ? r.json() : { zones: [] })
  .then(layout => { for (const z of layout.zones || []) zoneNames.set(z.id, z.name); }).catch(() => {});

// Each load is numbered: an answer to one that a later load has overtaken is dropped, so the
// page shows the range asked for last, not the one answered last.
let loads = 0;

async function load() {
  const mine = ++loads;
  await names;
  const from = Date.parse(document.getElementById("from").value), to = Date.parse(document.getElementById("to").value);
  const status = document.getElementById("status");
  if (isNaN(from) || isNaN(to)) { refuse("pick a start and an end date (YYYY-MM-DD)"); return; }
  if (!(to >= from)) { refuse("the end date comes before the start date"); return; }
  const days = Math.round((to - from) / DAY) + 1;
  const bucket = days <= 31 ? "hour" : "day";
  const query = `from=${isoDate(from)}&to=${isoDate(to + DAY)}&bucket=${bucket}`;
  status.textContent = "loading…";
  status.className = "";
  const response = await fetch("api/analytics?" + query, auth);
  const summary = await response.json().catch(() => ({}));
  if (mine !== loads) return;
  if (!response.ok) { refuse(summary.error || ("HTTP " + response.status)); return; }
  document.querySelector("main").className = "";
  showKPIs(summary.totals);
  showTraffic(summary, days);
  barChart(document.getElementById("dwell"), summary.dwell_buckets, [{ name: "visits", cls: "bar-dwell", values: summary.totals.dwell_histogram }]);
  showReturning(summary.totals);
  showHeatmap(summary, days);
  document.getElementById("title").textContent = `Store analytics — ${isoDate(from)}` + (days > 1 ? ` to ${isoDate(to)}` : "");
  status.textContent = summary.totals.visitors + summary.totals.passers_by ? "ready" : "ready: no traffic in this range";
  const url = new URL(location.href);
  url.searchParams.set("from", isoDate(from)); url.searchParams.set("to", isoDate(to));
  history.replaceState(null, "", url);
}

const todayStart = Math.floor(Date.now() / DAY) * DAY;
document.getElementById("from").value = params.get("from") || isoDate(todayStart - 6 * DAY);
document.getElementById("to").value = params.get("to") || isoDate(todayStart);
document.getElementById("range").addEventListener("submit", e => { e.preventDefault(); load().catch(err => refuse("cannot load: " + err)); });
load().catch(err => refuse("cannot load: " + err));
</script>
</body>
</html>
"""#
}
