// Small behaviours without inline scripts: auto-submitting selects and charts after htmx swaps.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
    // Choosing a preset period replaces a custom range.
    Array.prototype.forEach.call(el.form.querySelectorAll("[data-cleared-by-preset]"), function (input) {
      input.value = "";
    });
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});

// Forms marked data-omit-empty leave empty fields out of the URL.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-omit-empty]");
  if (!form) { return; }
  var params = event.detail.parameters;
  var keys = params.keys ? Array.from(params.keys()) : Object.keys(params);
  keys.forEach(function (key) {
    var value = params.get ? params.get(key) : params[key];
    if (value === "" || value === null) { params.delete ? params.delete(key) : delete params[key]; }
  });
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-omit-empty]")) { return; }
  Array.prototype.forEach.call(form.elements, function (input) {
    if (input.name && input.value === "") { input.disabled = true; }
  });
  setTimeout(function () {
    Array.prototype.forEach.call(form.elements, function (input) { input.disabled = false; });
  }, 0);
});

// Charts: every <canvas data-chart="ID"> is drawn from the Chart.js config in <script id="ID" type="application/json">.
// Datasets get distinct dash patterns and point shapes so they read without colour.
(function () {
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 1]];
  var POINTS = ["circle", "rect", "triangle", "crossRot", "star"];
  var COLOURS = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828"];

  function draw(root) {
    if (typeof Chart === "undefined") { return; }
    var scope = root && root.querySelectorAll ? root : document;
    var canvases = Array.prototype.slice.call(scope.querySelectorAll("canvas[data-chart]"));
    if (scope.matches && scope.matches("canvas[data-chart]")) { canvases.push(scope); }
    canvases.forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var config = JSON.parse(source.textContent);
      ((config.data && config.data.datasets) || []).forEach(function (ds, i) {
        if (!ds.borderColor) { ds.borderColor = COLOURS[i % COLOURS.length]; }
        if (!ds.backgroundColor) { ds.backgroundColor = ds.borderColor; }
        if (config.type === "line" || !config.type) {
          if (!ds.borderDash) { ds.borderDash = DASHES[i % DASHES.length]; }
          if (!ds.pointStyle) { ds.pointStyle = POINTS[i % POINTS.length]; }
        }
      });
      config.options = config.options || {};
      // A dataset marked legendHidden (e.g. the upper edge of an interval band) stays out of the legend.
      if (((config.data && config.data.datasets) || []).some(function (ds) { return ds.legendHidden; })) {
        config.options.plugins = config.options.plugins || {};
        config.options.plugins.legend = config.options.plugins.legend || {};
        config.options.plugins.legend.labels = config.options.plugins.legend.labels || {};
        config.options.plugins.legend.labels.filter = function (item, data) {
          return !data.datasets[item.datasetIndex].legendHidden;
        };
      }
      config.options.animation = false;
      config.options.maintainAspectRatio = false;
      var existing = Chart.getChart(canvas);
      if (existing) { existing.destroy(); }
      // The canvas sits alone in its box, so the caption below keeps its own space.
      var box = canvas.parentElement;
      box.style.position = "relative";
      box.style.height = (box.getAttribute("data-height") || "300") + "px";
      new Chart(canvas, config);
      canvas.setAttribute("data-chart-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
})();

// Pages with <form data-view-beacon> report how long they were looked at: when the page is
// hidden or left, the form is sent with time_spent_seconds (one record per visible stretch).
(function () {
  var shownAt = null;
  function form() { return document.querySelector("form[data-view-beacon]"); }
  function send() {
    var beacon = form();
    if (!beacon || shownAt === null) { return; }
    var data = new FormData(beacon);
    data.append("time_spent_seconds", ((Date.now() - shownAt) / 1000).toFixed(1));
    shownAt = null;
    if (!(navigator.sendBeacon && navigator.sendBeacon(beacon.action, data))) {
      fetch(beacon.action, { method: "POST", body: data, keepalive: true, credentials: "same-origin" });
    }
  }
  document.addEventListener("DOMContentLoaded", function () { if (form()) { shownAt = Date.now(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(); } else if (form()) { shownAt = Date.now(); }
  });
  window.addEventListener("pagehide", send);
})();

// The site menu folds behind a "Menu" button on narrow screens. The button only appears once this
// script runs, so without JavaScript the menu simply stays open.
(function () {
  var narrow = window.matchMedia("(max-width: 1099px)");
  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-closed", !open);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".nav-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    setOpen(button, menu, !narrow.matches);
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    var follow = function () { setOpen(button, menu, !narrow.matches); };
    if (narrow.addEventListener) { narrow.addEventListener("change", follow); } else { narrow.addListener(follow); }
  });
})();
