// The "Patient feedback" page: what patients said about this clinic's video appointments.
//
// Rules that matter:
// - Only the signed-in specialist's clinic (the hub decides, from the session). No identifiers
//   are shown; comments are put in the page as text, never as HTML.
// - Charts are SVG built here, with attributes and CSS classes only (the CSP forbids inline
//   styles), each with a title and description for screen readers and the same figures in a
//   table behind it.

import { resetSignIn, restoreSession, wireSignIn } from "./signin.js";

const $ = (id) => document.getElementById(id);
// The SVG namespace, from the page's own <svg> template (no URL literals in the console's JS).
const SVG_TEMPLATE = $("chart-template").content.firstElementChild;
const SVG = SVG_TEMPLATE.namespaceURI;
const TIME_LABELS = {
  under_1h: "Under 1 hour", "1_to_2h": "1 to 2 hours", "2_to_4h": "2 to 4 hours", over_4h: "Over 4 hours",
};
const W = 640;
const H = 260;
const PAD = { left: 60, right: 16, top: 16, bottom: 44 };

function show(view) {
  $("signin-view").hidden = view !== "signin";
  $("results-view").hidden = view !== "results";
  document.body.dataset.view = view;
}

function svgEl(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

let chartCount = 0;

/** An empty, labelled SVG chart: role img, with a title and a description. */
function chart(container, title, description) {
  chartCount += 1;
  const svg = SVG_TEMPLATE.cloneNode(false);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("aria-labelledby", `chart-${chartCount}-title chart-${chartCount}-desc`);
  svg.append(svgEl("title", { id: `chart-${chartCount}-title` }, title));
  svg.append(svgEl("desc", { id: `chart-${chartCount}-desc` }, description));
  container.replaceChildren(svg);
  return svg;
}

function shortDate(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

function yAxis(svg, ticks, scale, label) {
  for (const t of ticks) {
    const y = scale(t.value);
    svg.append(svgEl("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "grid" }));
    svg.append(svgEl("text", { x: PAD.left - 8, y: y + 4, class: "axis-label", "text-anchor": "end" }, t.text));
  }
  svg.append(svgEl("text", { x: 12, y: PAD.top + (H - PAD.top - PAD.bottom) / 2, class: "axis-title",
    "text-anchor": "middle", transform: `rotate(-90 12 ${PAD.top + (H - PAD.top - PAD.bottom) / 2})` }, label));
}

function xPositions(n) {
  const inner = W - PAD.left - PAD.right;
  const step = inner / Math.max(n, 1);
  return { step, at: (i) => PAD.left + step * i + step / 2 };
}

function noData(svg) {
  svg.append(svgEl("text", { x: W / 2, y: H / 2, class: "no-data", "text-anchor": "middle" }, "No answers yet"));
}

function experienceChart(weeks) {
  const svg = chart($("experience-chart"), "Average experience by week",
    weeks.length ? weeks.map((w) => `week of ${shortDate(w.week)}: ${w.average} from ${w.count}`).join("; ")
      : "No answers yet.");
  const top = PAD.top;
  const bottom = H - PAD.bottom;
  const scale = (v) => bottom - ((v - 1) / 4) * (bottom - top);
  yAxis(svg, [1, 2, 3, 4, 5].map((v) => ({ value: v, text: String(v) })), scale, "Average (1–5)");
  if (!weeks.length) { noData(svg); return; }
  const x = xPositions(weeks.length);
  const points = weeks.map((w, i) => `${x.at(i).toFixed(1)},${scale(w.average).toFixed(1)}`);
  if (weeks.length > 1) svg.append(svgEl("polyline", { points: points.join(" "), class: "line" }));
  weeks.forEach((w, i) => {
    svg.append(svgEl("circle", { cx: x.at(i), cy: scale(w.average), r: 5, class: "point" }));
    svg.append(svgEl("text", { x: x.at(i), y: scale(w.average) - 10, class: "value-label", "text-anchor": "middle" }, w.average.toFixed(1)));
    svg.append(svgEl("text", { x: x.at(i), y: H - PAD.bottom + 20, class: "axis-label", "text-anchor": "middle" }, shortDate(w.week)));
  });
}

function savedChart(weeks) {
  const svg = chart($("saved-chart"), "Share who said the kiosk saved them a journey, by week",
    weeks.length ? weeks.map((w) => `week of ${shortDate(w.week)}: ${Math.round(w.share_yes * 100)}% of ${w.count}`).join("; ")
      : "No answers yet.");
  const top = PAD.top;
  const bottom = H - PAD.bottom;
  const scale = (v) => bottom - v * (bottom - top);
  yAxis(svg, [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, text: `${v * 100}%` })), scale, "Said yes");
  if (!weeks.length) { noData(svg); return; }
  const x = xPositions(weeks.length);
  const barWidth = Math.min(48, x.step * 0.6);
  weeks.forEach((w, i) => {
    const y = scale(w.share_yes);
    svg.append(svgEl("rect", { x: x.at(i) - barWidth / 2, y, width: barWidth, height: Math.max(bottom - y, 0), class: "bar" }));
    svg.append(svgEl("text", { x: x.at(i), y: y - 6, class: "value-label", "text-anchor": "middle" }, `${Math.round(w.share_yes * 100)}%`));
    svg.append(svgEl("text", { x: x.at(i), y: H - PAD.bottom + 20, class: "axis-label", "text-anchor": "middle" }, shortDate(w.week)));
  });
}

function timeChart(counts) {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const svg = chart($("time-chart"), "Time saved",
    total ? counts.map((c) => `${TIME_LABELS[c.value] || c.value}: ${c.count}`).join("; ") : "No answers yet.");
  if (!total) { noData(svg); return; }
  const max = Math.max(...counts.map((c) => c.count), 1);
  const left = 120;
  const rowH = (H - PAD.top - 8) / Math.max(counts.length, 1);
  counts.forEach((c, i) => {
    const y = PAD.top + i * rowH;
    const width = ((W - left - 60) * c.count) / max;
    svg.append(svgEl("text", { x: left - 8, y: y + rowH / 2 + 4, class: "axis-label", "text-anchor": "end" }, TIME_LABELS[c.value] || c.value));
    svg.append(svgEl("rect", { x: left, y: y + rowH * 0.2, width: Math.max(width, 1), height: rowH * 0.6, class: "bar bar-time" }));
    svg.append(svgEl("text", { x: left + width + 6, y: y + rowH / 2 + 4, class: "value-label" }, String(c.count)));
  });
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.scope = "row";
      cell.textContent = text;
      tr.append(cell);
    });
    return tr;
  }));
}

function render(data) {
  const s = data.summary;
  $("results-clinic").textContent = data.clinic.name ? `${data.clinic.name}` : "";
  $("count-responses").textContent = String(s.counts.responses);
  $("count-average").textContent = s.experience.average === null ? "–" : s.experience.average.toFixed(1);
  $("count-saved").textContent = s.saved_journey.share_yes === null ? "–" : `${Math.round(s.saved_journey.share_yes * 100)}%`;
  $("count-comments").textContent = String(s.counts.comments);
  $("results-empty").hidden = s.counts.answers > 0;

  experienceChart(s.experience.by_week);
  fillTable("experience-table", s.experience.by_week.map((w) => [shortDate(w.week), w.average.toFixed(2), String(w.count)]));
  savedChart(s.saved_journey.by_week);
  fillTable("saved-table", s.saved_journey.by_week.map((w) => [shortDate(w.week), `${Math.round(w.share_yes * 100)}%`, String(w.count)]));
  timeChart(s.time_saved.counts);
  fillTable("time-table", s.time_saved.counts.map((c) => [TIME_LABELS[c.value] || c.value, String(c.count)]));

  const list = $("comments");
  list.replaceChildren(...s.comments.map((c) => {
    const li = document.createElement("li");
    li.className = "comment";
    const quote = document.createElement("blockquote");
    quote.textContent = c.text;
    const meta = document.createElement("p");
    meta.className = "comment-meta";
    meta.textContent = [shortDate(c.date), c.waiting_area, c.language !== "en" ? `language: ${c.language}` : null]
      .filter(Boolean).join(" · ");
    li.append(quote, meta);
    return li;
  }));
  $("comments-empty").hidden = s.comments.length > 0;
  $("results-view").setAttribute("aria-busy", "false");
}

async function load() {
  const error = $("results-error");
  try {
    const response = await fetch("/api/feedback", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) { showSignIn(""); return; }
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || "Something went wrong.");
    error.hidden = true;
    show("results");
    render(data);
  } catch (e) {
    show("results");
    error.textContent = `The feedback could not be loaded: ${e.message}`;
    error.hidden = false;
  }
}

function showSignIn(message) {
  show("signin");
  resetSignIn(message);
}

wireSignIn(async () => {
  await load();
  $("results-title").focus();
});

(async () => {
  const { specialist, message } = await restoreSession();
  if (specialist) await load();
  else showSignIn(message);
})();
