/* handbook: compare any two versions of a policy on its history page, in the browser.
 * Word diff by jsdiff 9.0.0 (npm `diff`, dist/diff.min.js, sha256 b51a9d2885f2c090dc97b981027395f7e7e6558a46c75ae3747db267913a89ab,
 * BSD-3-Clause: see diff.LICENSE.txt), served from this site. Texts come from versions.json next to the page. */
(function () {
  "use strict";

  var FIELDS = [["title", "Title"], ["status", "Status"], ["effective", "Effective"], ["summary", "Summary"]];

  function mark(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  /* Changed fields as whole values, before and after: a date is not a sentence. */
  function fields(older, newer) {
    var list = document.createElement("ul");
    list.className = "hb-field-changes";
    FIELDS.forEach(function (f) {
      var before = older[f[0]] || "", after = newer[f[0]] || "";
      if (before === after) { return; }
      var item = document.createElement("li");
      item.appendChild(mark("strong", f[1] + ":"));
      item.appendChild(document.createTextNode(" "));
      if (before) { item.appendChild(mark("del", before)); item.appendChild(document.createTextNode(" ")); }
      item.appendChild(mark("ins", after || "(none)"));
      list.appendChild(item);
    });
    return list;
  }

  function render(box, older, newer) {
    var parts = window.Diff.diffWords(older.text || "", newer.text || "");
    var out = document.createElement("div");
    out.className = "hb-compare-text";
    var added = 0, removed = 0;
    parts.forEach(function (part) {
      if (part.added) { added += 1; out.appendChild(mark("ins", part.value)); }
      else if (part.removed) { removed += 1; out.appendChild(mark("del", part.value)); }
      else { out.appendChild(document.createTextNode(part.value)); }
    });
    var heading = document.createElement("p");
    heading.className = "hb-compare-heading";
    heading.textContent = "Version " + older.number + " to version " + newer.number + ": " +
      (added || removed ? added + " insertion(s), " + removed + " deletion(s) in the text." : "the text is the same.");
    box.replaceChildren(heading, fields(older, newer), out);
  }

  function setup(form) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var box = form.parentNode.querySelector(".hb-compare-result");
    var from = form.elements.from, to = form.elements.to;
    from.value = form.dataset.from;
    to.value = form.dataset.to;
    var loaded = null;
    function load() {
      if (!loaded) {
        loaded = fetch(form.dataset.versions).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        });
      }
      return loaded;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!window.Diff) { box.textContent = "The diff library did not load."; return; }
      load().then(function (data) {
        var byNumber = {};
        data.versions.forEach(function (v) { byNumber[v.number] = v; });
        var a = byNumber[from.value], b = byNumber[to.value];
        if (!a || !b) { box.textContent = "Pick two versions."; return; }
        if (a.number > b.number) { var t = a; a = b; b = t; }
        render(box, a, b);
      }).catch(function (error) {
        loaded = null;
        box.textContent = "Could not load the versions (" + error.message + ").";
      });
    });
    form.hidden = false;
  }

  function init() {
    document.querySelectorAll("form.hb-compare").forEach(setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
