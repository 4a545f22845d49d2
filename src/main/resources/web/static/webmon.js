// webmon UI scripts: small, dependency-free, loaded from our own origin (the CSP allows no inline
// script). Text from the server is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }

  // The interval preset select shows the custom seconds input only for "custom".
  function intervalPresets() {
    var select = document.getElementById("intervalPreset");
    var custom = document.getElementById("custom-interval");
    if (!select || !custom) { return; }
    function sync() { custom.hidden = select.value !== "custom"; }
    select.addEventListener("change", sync);
    sync();
  }

  // Forms with data-confirm ask before submitting (delete).
  function confirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  }

  // Filter selects submit their form on change.
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }

  function fmtMs(v) {
    if (v === null || v === undefined) { return "–"; }
    return v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(v >= 100 ? 0 : 1) + " ms";
  }

  function fmtTime(epochSeconds, long) {
    var d = new Date(epochSeconds * 1000);
    var iso = d.toISOString();
    return long ? iso.substring(0, 16).replace("T", " ") + " UTC" : iso.substring(5, 16).replace("T", " ");
  }

  var PHASES = [
    ["dnsMs", "phase-dns", "DNS"],
    ["connectMs", "phase-connect", "connect"],
    ["tlsMs", "phase-tls", "TLS"],
    ["ttfbMs", "phase-ttfb", "TTFB"],
    ["transferMs", "phase-transfer", "transfer"]
  ];

  // Draws the response-time chart: stacked phase areas, a p95 line and a status strip.
  function drawChart(box, s) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var n = s.t.length;
    var W = Math.max(320, box.clientWidth - 16), H = 240, STRIP = 14;
    var L = 56, R = 8, T = 8, B = 22;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + (H + STRIP + 6), "data-points": String(n),
                          "data-resolution": s.resolution, role: "img",
                          "aria-label": "Response time chart, " + n + " points" }, box);
    var from = Date.parse(s.from) / 1000, to = Date.parse(s.to) / 1000;
    var bucket = s.bucketSeconds;
    function x(t) { return L + (t - from) / (to - from) * (W - L - R); }
    var stacks = [];
    var max = 0;
    for (var i = 0; i < n; i++) {
      var acc = 0, row = [];
      for (var p = 0; p < PHASES.length; p++) {
        acc += s[PHASES[p][0]][i] || 0;
        row.push(acc);
      }
      stacks.push(row);
      max = Math.max(max, acc, s.p95Ms[i] || 0);
    }
    if (max <= 0) { max = 1; }
    max = niceCeil(max * 1.05);
    function y(v) { return T + (1 - v / max) * (H - T - B); }

    // Axes and grid.
    var axis = el("g", { "class": "axis" }, svg);
    for (var k = 0; k <= 4; k++) {
      var v = max * k / 4, yy = y(v);
      el("line", { x1: L, x2: W - R, y1: yy, y2: yy, "class": "grid-line" }, axis);
      var label = el("text", { x: L - 6, y: yy + 4, "text-anchor": "end" }, axis);
      label.textContent = fmtMs(v);
    }
    var ticks = 6;
    for (var j = 0; j <= ticks; j++) {
      var tt = from + (to - from) * j / ticks;
      var tx = el("text", { x: x(tt), y: H - 6, "text-anchor": j === 0 ? "start" : j === ticks ? "end" : "middle" }, axis);
      tx.textContent = fmtTime(tt, false);
    }

    // Split into runs of consecutive buckets so gaps in the data stay gaps in the chart.
    var runs = [], run = [];
    for (var q = 0; q < n; q++) {
      if (run.length && s.t[q] - s.t[run[run.length - 1]] > bucket * 1.5) { runs.push(run); run = []; }
      if (s.checks[q] > 0) { run.push(q); }
    }
    if (run.length) { runs.push(run); }

    for (var ph = PHASES.length - 1; ph >= 0; ph--) {
      var d = "";
      runs.forEach(function (r) {
        var top = r.map(function (ix) { return [x(s.t[ix] + bucket / 2), y(stacks[ix][ph])]; });
        var bottom = r.map(function (ix) { return [x(s.t[ix] + bucket / 2), y(ph > 0 ? stacks[ix][ph - 1] : 0)]; }).reverse();
        if (r.length === 1) {
          var half = Math.max(1.5, (x(bucket) - x(0)) / 2);
          top = [[top[0][0] - half, top[0][1]], [top[0][0] + half, top[0][1]]];
          bottom = [[bottom[0][0] + half, bottom[0][1]], [bottom[0][0] - half, bottom[0][1]]];
        }
        d += "M" + top.concat(bottom).map(function (pt) { return pt[0].toFixed(1) + "," + pt[1].toFixed(1); }).join("L") + "Z";
      });
      el("path", { d: d || "M0,0", "class": PHASES[ph][1], "data-series": PHASES[ph][0] }, svg);
    }
    var line = "";
    runs.forEach(function (r) {
      line += "M" + r.map(function (ix) {
        return x(s.t[ix] + bucket / 2).toFixed(1) + "," + y(s.p95Ms[ix] || 0).toFixed(1);
      }).join("L");
    });
    el("path", { d: line || "M0,0", "class": "p95", "data-series": "p95Ms" }, svg);

    // Status strip: one rect per bucket, green all up, red all down, amber mixed.
    var strip = el("g", { "class": "status-strip", transform: "translate(0," + (H + 2) + ")" }, svg);
    var bw = Math.max(1, x(from + bucket) - x(from));
    for (var z = 0; z < n; z++) {
      if (!s.checks[z]) { continue; }
      var cls = s.up[z] === s.checks[z] ? "st-up" : s.up[z] === 0 ? "st-down" : "st-partial";
      el("rect", { x: x(s.t[z]).toFixed(1), y: 0, width: bw.toFixed(1), height: STRIP, "class": cls }, strip);
    }

    // Legend.
    var legend = document.createElement("div");
    legend.className = "legend";
    PHASES.concat([["p95Ms", "p95", "p95"]]).forEach(function (ph2) {
      var item = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "swatch " + ph2[1];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(ph2[2]));
      legend.appendChild(item);
    });
    var res = document.createElement("span");
    res.textContent = n + " points, " + (s.resolution === "raw" ? "raw results in " + bucket + " s buckets" : "hourly rollups");
    legend.appendChild(res);
    box.appendChild(legend);
    if (n === 0) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = "No results in this range yet.";
      box.appendChild(none);
    }

    // Tooltip on hover.
    var tip = document.createElement("div");
    tip.className = "tooltip";
    box.appendChild(tip);
    var cursor = el("line", { y1: T, y2: H - B, "class": "cursor", visibility: "hidden" }, svg);
    svg.addEventListener("mousemove", function (ev) {
      var rect = svg.getBoundingClientRect();
      var px = (ev.clientX - rect.left) * W / rect.width;
      var t = from + (px - L) / (W - L - R) * (to - from);
      var best = -1, dist = Infinity;
      for (var m = 0; m < n; m++) {
        var dd = Math.abs(s.t[m] + bucket / 2 - t);
        if (dd < dist && s.checks[m] > 0) { dist = dd; best = m; }
      }
      if (best < 0 || dist > bucket * 2) { tip.style.display = "none"; cursor.setAttribute("visibility", "hidden"); return; }
      var cx = x(s.t[best] + bucket / 2);
      cursor.setAttribute("x1", cx); cursor.setAttribute("x2", cx); cursor.setAttribute("visibility", "visible");
      tip.textContent = fmtTime(s.t[best], true) + "\n" +
        PHASES.map(function (p2) { return p2[2] + ": " + fmtMs(s[p2[0]][best]); }).join("\n") +
        "\navg: " + fmtMs(s.avgMs[best]) + "  p95: " + fmtMs(s.p95Ms[best]) + "  max: " + fmtMs(s.maxMs[best]) +
        "\nchecks: " + s.checks[best] + ", up: " + s.up[best];
      tip.style.display = "block";
      tip.style.left = Math.min(rect.width - 220, Math.max(0, cx * rect.width / W + 12)) + "px";
      tip.style.top = "12px";
    });
    svg.addEventListener("mouseleave", function () { tip.style.display = "none"; cursor.setAttribute("visibility", "hidden"); });
    box.setAttribute("data-rendered", "true");
  }

  function niceCeil(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var f = v / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  function chart() {
    var box = document.getElementById("chart");
    if (!box) { return; }
    var url = box.getAttribute("data-series-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (s) {
        drawChart(box, s);
        var redraw;
        window.addEventListener("resize", function () {
          clearTimeout(redraw);
          redraw = setTimeout(function () { drawChart(box, s); }, 150);
        });
      })
      .catch(function (e) {
        while (box.firstChild) { box.removeChild(box.firstChild); }
        var p = document.createElement("p");
        p.className = "alert";
        p.textContent = "The chart could not be loaded (" + e.message + ").";
        box.appendChild(p);
        box.setAttribute("data-rendered", "error");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    intervalPresets();
    confirms();
    autosubmit();
    chart();
  });
})();
