/* handbook: register filters and the reading-list checklist. Served from the site itself. */
(function () {
  "use strict";

  function setupFilters(box) {
    var tables = document.querySelectorAll("table." + box.dataset.table);
    var rows = [];
    tables.forEach(function (t) { rows = rows.concat(Array.prototype.slice.call(t.tBodies[0].rows)); });
    if (!rows.length) { return; }
    var fields = [["status", "Status"], ["owner", "Owner"], ["audience", "Audience"], ["tags", "Tag"]];
    var selects = [];
    fields.forEach(function (field) {
      var values = {};
      rows.forEach(function (r) {
        (r.dataset[field[0]] || "").split(" ").forEach(function (v) { if (v) { values[v] = true; } });
      });
      var names = Object.keys(values).sort();
      if (!names.length) { return; }
      var label = document.createElement("label");
      label.textContent = field[1];
      var select = document.createElement("select");
      select.dataset.field = field[0];
      select.add(new Option("All", ""));
      names.forEach(function (n) { select.add(new Option(n, n)); });
      select.addEventListener("change", apply);
      label.appendChild(select);
      box.appendChild(label);
      selects.push(select);
    });
    function apply() {
      rows.forEach(function (r) {
        var shown = selects.every(function (s) {
          return !s.value || (r.dataset[s.dataset.field] || "").split(" ").indexOf(s.value) >= 0;
        });
        r.hidden = !shown;
      });
    }
    box.hidden = false;
  }

  function setupChecklist(box) {
    var key = "handbook:read:" + box.dataset.key;
    try { box.checked = window.localStorage.getItem(key) === "1"; } catch (e) { return; }
    box.addEventListener("change", function () {
      try {
        if (box.checked) { window.localStorage.setItem(key, "1"); } else { window.localStorage.removeItem(key); }
      } catch (e) { /* storage disabled: the tick lasts for this visit only */ }
    });
  }

  function init() {
    document.querySelectorAll(".hb-filters[data-table]").forEach(function (box) {
      if (!box.dataset.ready) { box.dataset.ready = "1"; setupFilters(box); }
    });
    document.querySelectorAll("input.hb-check[data-key]").forEach(setupChecklist);
  }

  // Material's instant navigation swaps pages without a reload: re-run on each page.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
