/* handbook: sortable columns for the policy register and the decision log, served from the site
   itself. A click on a column's header (a button) sorts by it, again the other way; a cell's
   `<time datetime>` sorts as a date, a number as a number, anything else as text. */
(function () {
  "use strict";
  var SORTABLE = "table.hb-policy-register, table.hb-decision-log";

  function key(cell) {
    if (!cell) { return ""; }
    var time = cell.querySelector("time[datetime]");
    if (time) { return time.getAttribute("datetime"); }
    return cell.textContent.trim();
  }

  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, column, header) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return { row: row, key: key(row.cells[column]), at: i };
    });
    rows.sort(function (a, b) {
      return (ascending ? 1 : -1) * compare(a.key, b.key) || a.at - b.at;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  }

  function setup(table) {
    if (table.dataset.sortable || !table.tHead || !table.tBodies.length) { return; }
    table.dataset.sortable = "1";
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, column) {
      if (!th.textContent.trim()) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "hb-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(table, column, th); });
    });
  }

  function init() { document.querySelectorAll(SORTABLE).forEach(setup); }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
