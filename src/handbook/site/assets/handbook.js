/* handbook: review dates against the reader's own day. A build never knows what day it is read,
   so the overdue banner on policy pages, the health page's lists and charts and the owners'
   pages are worked out here, from each review's `data-review-due`. */
(function () {
  "use strict";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function isoDay(date) {
    var m = date.getMonth() + 1, d = date.getDate();
    return date.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }
  function utc(day) { return Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)); }
  // Whole days from one YYYY-MM-DD to another (UTC, so a clock change cannot shift it).
  function daysFrom(from, to) { return Math.round((utc(to) - utc(from)) / 86400000); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function overdueBanner(today) {
    document.querySelectorAll(".hb-record[data-review-due]").forEach(function (record) {
      var due = record.dataset.reviewDue;
      if (record.dataset.overdueShown || !(due < today)) { return; }
      record.dataset.overdueShown = "1";
      var banner = el("div", "admonition danger hb-banner hb-overdue");
      banner.setAttribute("role", "note");
      banner.appendChild(el("p", "admonition-title", "Review overdue"));
      banner.appendChild(el("p", "", "This policy was due for review on " + due + ", " + plural(daysFrom(due, today), "day") +
        " ago. It may be out of date: check with its owner before relying on it."));
      record.parentNode.insertBefore(banner, record);
    });
  }

  function chart(figure, rows, keyOf, byMonth) {
    if (!figure) { return; }
    var counts = {};
    rows.forEach(function (row) { var key = keyOf(row); counts[key] = (counts[key] || 0) + 1; });
    var keys = Object.keys(counts).sort(byMonth ? undefined : function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
    var most = Math.max.apply(null, keys.map(function (k) { return counts[k]; }).concat([1]));
    var old = figure.querySelector(".hb-bars");
    if (old) { old.remove(); }
    var bars = el("div", "hb-bars");
    if (!keys.length) { bars.appendChild(el("p", "", "No review falls due in this period.")); }
    keys.forEach(function (key) {
      var bar = el("div", "hb-bar");
      bar.appendChild(el("span", "hb-bar-label", byMonth ? MONTHS[+key.slice(5, 7) - 1] + " " + key.slice(0, 4) : key));
      var track = el("span", "hb-bar-track"), fill = el("span", "hb-bar-fill");
      fill.style.width = (100 * counts[key] / most) + "%";
      track.appendChild(fill);
      bar.appendChild(track);
      bar.appendChild(el("span", "hb-bar-value", String(counts[key])));
      bars.appendChild(bar);
    });
    figure.appendChild(bars);
  }

  function health(today) {
    var box = document.querySelector(".hb-health[data-due-soon-days]");
    if (!box || box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var soon = +box.dataset.dueSoonDays, horizon = +box.dataset.horizonDays;
    var overdue = [], dueSoon = [], coming = [];
    document.querySelectorAll("table.hb-reviews tbody tr[data-review-due]").forEach(function (row) {
      var left = daysFrom(today, row.dataset.reviewDue), state = row.querySelector(".hb-review-state");
      if (left < 0) {
        overdue.push(row);
        row.classList.add("hb-row--overdue");
        if (state) { state.textContent = "overdue by " + plural(-left, "day"); }
      } else if (left <= soon) {
        dueSoon.push(row);
        row.classList.add("hb-row--due-soon");
        if (state) { state.textContent = left === 0 ? "due today" : "due in " + plural(left, "day"); }
      }
      if (left >= 0 && left <= horizon) { coming.push(row); }
    });
    var shownDay = document.querySelector(".hb-today");
    if (shownDay) { shownDay.textContent = " (" + today + ")"; }
    var list = document.querySelector(".hb-health-overdue");
    if (list) {
      list.textContent = "";
      if (!overdue.length) {
        list.appendChild(el("p", "", "None: every policy in force has been reviewed on time."));
      } else {
        list.appendChild(el("p", "", plural(overdue.length, "review") + " overdue:"));
        var items = el("ul");
        overdue.forEach(function (row) {
          var item = el("li"), link = row.querySelector("td a");
          if (link) { item.appendChild(link.cloneNode(true)); }
          item.appendChild(document.createTextNode(": due " + row.dataset.reviewDue + ", " +
            plural(-daysFrom(today, row.dataset.reviewDue), "day") + " ago (" + row.dataset.ownerName + ")"));
          items.appendChild(item);
        });
        list.appendChild(items);
      }
    }
    chart(document.querySelector('.hb-chart[data-chart="month"]'), coming, function (row) { return row.dataset.reviewDue.slice(0, 7); }, true);
    chart(document.querySelector('.hb-chart[data-chart="owner"]'), coming, function (row) { return row.dataset.ownerName; }, false);
    var summary = document.querySelector(".hb-owner-due");
    if (summary) {
      summary.textContent = (overdue.length ? plural(overdue.length, "review") + " overdue; " : "No review overdue; ") +
        plural(dueSoon.length, "review") + " due in the next " + soon + " days.";
      summary.hidden = false;
    }
  }

  // The register: each review in force marked overdue or due soon (`data-review` for its filter).
  function register(today) {
    var summary = document.querySelector(".hb-register-due[data-due-soon-days]");
    if (!summary || summary.dataset.ready) { return; }
    summary.dataset.ready = "1";
    var soon = +summary.dataset.dueSoonDays, overdue = 0, dueSoon = 0;
    document.querySelectorAll("table.hb-policy-register tbody tr[data-review-due]").forEach(function (row) {
      var left = daysFrom(today, row.dataset.reviewDue), state = row.querySelector(".hb-review-state");
      if (left < 0) {
        overdue += 1;
        row.dataset.review = "overdue";
        row.classList.add("hb-row--overdue");
        if (state) { state.textContent = "overdue by " + plural(-left, "day"); }
      } else if (left <= soon) {
        dueSoon += 1;
        row.dataset.review = "due-soon";
        row.classList.add("hb-row--due-soon");
        if (state) { state.textContent = left === 0 ? "due today" : "due in " + plural(left, "day"); }
      }
    });
    summary.textContent = "Today (" + today + "): " + (overdue ? plural(overdue, "review") + " overdue, " : "no review overdue, ") +
      plural(dueSoon, "review") + " due in the next " + soon + " days.";
    summary.hidden = false;
  }

  function init() {
    var today = isoDay(new Date());
    overdueBanner(today);
    health(today);
    register(today);
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

/* handbook: register filters and the reading-list checklist. Served from the site itself. */
(function () {
  "use strict";

  var REVIEW_STATES = { overdue: "Overdue", "due-soon": "Due soon" };

  function setupFilters(box) {
    var tables = document.querySelectorAll("table." + box.dataset.table);
    var rows = [];
    tables.forEach(function (t) { rows = rows.concat(Array.prototype.slice.call(t.tBodies[0].rows)); });
    if (!rows.length) { return; }
    // A third item `true`: the value is one entry whole (a feedback theme may hold spaces).
    var fields = [["status", "Status"], ["review", "Review"], ["theme", "Theme", true], ["owner", "Owner"],
      ["audience", "Audience"], ["tags", "Tag"]];
    var words = function (row, field, whole) {
      var value = row.dataset[field] || "";
      return whole ? [value] : value.split(" ");
    };
    var labels = {};
    try { labels = JSON.parse(box.dataset.labels || "{}"); } catch (e) { /* ids shown as they are */ }
    var asked = new URLSearchParams(window.location.search);
    var selects = [];
    fields.forEach(function (field) {
      var values = {};
      rows.forEach(function (r) {
        words(r, field[0], field[2]).forEach(function (v) { if (v) { values[v] = true; } });
      });
      var named = labels[field[0]] || {};
      var name = function (v) { return named[v] || REVIEW_STATES[v] || v; };
      var names = Object.keys(values).sort(function (a, b) { return name(a).localeCompare(name(b)); });
      if (!names.length) { return; }
      var label = document.createElement("label");
      label.textContent = field[1];
      var select = document.createElement("select");
      select.dataset.field = field[0];
      select.dataset.whole = field[2] ? "1" : "";
      select.add(new Option("All", ""));
      names.forEach(function (n) { select.add(new Option(name(n), n)); });
      if (values[asked.get(field[0])]) { select.value = asked.get(field[0]); }
      select.addEventListener("change", function () { apply(); remember(); });
      label.appendChild(select);
      box.appendChild(label);
      selects.push(select);
    });
    function apply() {
      rows.forEach(function (r) {
        var shown = selects.every(function (s) {
          return !s.value || words(r, s.dataset.field, s.dataset.whole).indexOf(s.value) >= 0;
        });
        r.hidden = !shown;
      });
    }
    // The filters chosen are in the address (`?owner=billing&status=active`): a filtered register can be shared.
    function remember() {
      var address = new URL(window.location.href);
      selects.forEach(function (s) {
        if (s.value) { address.searchParams.set(s.dataset.field, s.value); } else { address.searchParams.delete(s.dataset.field); }
      });
      window.history.replaceState(window.history.state, "", address.href);
    }
    apply();
    box.hidden = false;
  }

  // Reading-list checklists: each tick is kept in this browser's localStorage only, keyed by
  // policy and version ("handbook:read:refunds@3"), so a new version asks to be read again.
  var READ_PREFIX = "handbook:read:";

  function storage() {
    try { var s = window.localStorage; s.getItem(READ_PREFIX); return s; } catch (e) { return null; }
  }

  function setupChecklist(list) {
    var store = storage();
    var boxes = Array.prototype.slice.call(list.querySelectorAll("input.hb-check[data-key]"));
    var progress = list.querySelector(".hb-checklist__progress");
    var actions = list.querySelector(".hb-checklist__actions");
    function count() {
      var done = boxes.filter(function (b) { return b.checked; }).length;
      if (progress) { progress.textContent = done + " of " + boxes.length + " read."; }
    }
    boxes.forEach(function (box) {
      var key = READ_PREFIX + box.dataset.key;
      if (store) { box.checked = store.getItem(key) === "1"; }
      box.addEventListener("change", function () {
        if (store) {
          try {
            if (box.checked) { store.setItem(key, "1"); } else { store.removeItem(key); }
          } catch (e) { /* storage full or disabled: the tick lasts for this visit only */ }
        }
        count();
      });
    });
    if (actions) {
      actions.hidden = false;
      var print = actions.querySelector("[data-hb-print]");
      var clear = actions.querySelector("[data-hb-clear]");
      if (print) { print.addEventListener("click", function () { window.print(); }); }
      if (clear) {
        clear.addEventListener("click", function () {
          boxes.forEach(function (box) {
            box.checked = false;
            if (store) { store.removeItem(READ_PREFIX + box.dataset.key); }
          });
          count();
        });
      }
    }
    count();
  }

  function init() {
    document.querySelectorAll(".hb-filters[data-table]").forEach(function (box) {
      if (!box.dataset.ready) { box.dataset.ready = "1"; setupFilters(box); }
    });
    document.querySelectorAll(".hb-checklist").forEach(function (list) {
      if (!list.dataset.ready) { list.dataset.ready = "1"; setupChecklist(list); }
    });
  }

  // Material's instant navigation swaps pages without a reload: re-run on each page.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

/* handbook: "confirm you have read it" on the reading lists. The site cannot know who reads it, so
   the reader picks their id once (kept in this browser); the published acknowledgements
   (acknowledgements/acknowledged.json) then say which current versions they have confirmed, and
   the `handbook ack` commands for the rest are ready to copy. */
(function () {
  "use strict";
  var ME = "handbook:me";

  function remembered() {
    try { return window.localStorage.getItem(ME) || ""; } catch (e) { return ""; }
  }
  function remember(id) {
    try { if (id) { window.localStorage.setItem(ME, id); } else { window.localStorage.removeItem(ME); } } catch (e) { /* this visit only */ }
  }

  function setup(box) {
    var list = box.closest(".hb-checklist") || document;
    var who = box.querySelector(".hb-acks__who"), people = box.querySelector("datalist");
    var status = box.querySelector(".hb-acks__status"), todo = box.querySelector(".hb-acks__todo");
    var commands = box.querySelector(".hb-acks__commands"), copy = box.querySelector(".hb-acks__copy");
    var marks = Array.prototype.slice.call(list.querySelectorAll(".hb-ack[data-ack]"));
    fetch(box.dataset.acks).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      Object.keys(data.people).sort().forEach(function (id) {
        var option = document.createElement("option");
        option.value = id;
        option.label = data.people[id].name;
        people.appendChild(option);
      });
      function show() {
        var id = who.value.trim(), person = data.people[id];
        var missing = [];
        marks.forEach(function (mark) {
          var pid = mark.dataset.ack, wanted = +mark.dataset.version;
          var done = person ? person.acknowledged[pid] : undefined;
          mark.classList.remove("hb-ack--current", "hb-ack--missing");
          if (!id) { mark.textContent = "asks you to confirm you have read it"; return; }
          if (done !== undefined && done >= wanted) {
            mark.textContent = "confirmed (version " + done + ")";
            mark.classList.add("hb-ack--current");
          } else {
            mark.textContent = done !== undefined ? "version " + done + " confirmed: please confirm version " + wanted
              : "not confirmed yet";
            mark.classList.add("hb-ack--missing");
            missing.push(pid);
          }
        });
        if (!id) {
          status.textContent = "Pick your id to see which of these you have confirmed.";
        } else {
          status.textContent = (person ? person.name + " (" + id + ")" : id + ": no acknowledgements published yet") +
            ": " + (marks.length - missing.length) + " of " + marks.length + " confirmed.";
        }
        commands.textContent = missing.map(function (pid) { return "handbook ack " + pid + " --as " + id; }).join("\n");
        todo.hidden = !missing.length;
      }
      who.value = remembered();
      who.addEventListener("change", function () { remember(who.value.trim()); show(); });
      copy.addEventListener("click", function () {
        var text = commands.textContent;
        if (navigator.clipboard) {
          navigator.clipboard.writeText(text).then(function () { copy.textContent = "Copied"; }, function () { /* select it by hand */ });
        }
      });
      show();
      box.hidden = false;
    }).catch(function () { /* no published acknowledgements: the sentence above still says how */ });
  }

  function init() {
    document.querySelectorAll(".hb-acks[data-acks]").forEach(function (box) {
      if (!box.dataset.ready) { box.dataset.ready = "1"; setup(box); }
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

/* handbook: customer feedback against the reader's own day: each theme's age, and the reviews and
   tellings that are late (`data-feedback-due`), on the register, the record pages and the health page. */
(function () {
  "use strict";
  function isoDay(date) {
    var m = date.getMonth() + 1, d = date.getDate();
    return date.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }
  function utc(day) { return Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)); }
  function daysFrom(from, to) { return Math.round((utc(to) - utc(from)) / 86400000); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function init() {
    var today = isoDay(new Date());
    document.querySelectorAll(".hb-age[data-since]").forEach(function (age) {
      var days = daysFrom(age.dataset.since, today);
      age.textContent = days < 0 ? "" : "(" + (days === 0 ? "today" : plural(days, "day") + " ago") + ")";
    });
    document.querySelectorAll("tr[data-feedback-due]").forEach(function (row) {
      var late = daysFrom(row.dataset.feedbackDue, today), state = row.querySelector(".hb-feedback-state");
      if (late > 0) {
        row.classList.add("hb-row--overdue");
        if (state) { state.textContent = plural(late, "day") + " late"; }
      } else if (state && row.dataset.feedbackDueWhat !== "review") {
        state.textContent = late === 0 ? "due today" : "due in " + plural(-late, "day");
      }
    });
    document.querySelectorAll(".hb-feedback[data-feedback-due]").forEach(function (record) {
      var due = record.dataset.feedbackDue, late = daysFrom(due, today);
      if (record.dataset.lateShown || late <= 0) { return; }
      record.dataset.lateShown = "1";
      var tell = record.dataset.feedbackDueWhat === "tell";
      var banner = document.createElement("div");
      banner.className = "admonition danger hb-banner hb-overdue";
      banner.setAttribute("role", "note");
      var title = document.createElement("p");
      title.className = "admonition-title";
      title.textContent = tell ? "Customers not told" : "Review overdue";
      var text = document.createElement("p");
      text.textContent = (tell ? "The customers who asked to hear back should have been told what changed by "
        : "This feedback should have been reviewed by ") + due + ", " + plural(late, "day") + " ago.";
      banner.appendChild(title);
      banner.appendChild(text);
      record.parentNode.insertBefore(banner, record);
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
