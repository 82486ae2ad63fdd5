/* handbook: compare any two versions of a policy on its history page, in the browser, rendered as
 * the version pages show their changes: the newer text as it reads, words removed struck through
 * and words added marked. The texts are the "Text of version N" sections of the two versions' own
 * pages (rendered by the build); fields come from versions.json next to the page. The comparison's
 * address names the two versions (`history/?compare=2..5`), so it can be shared.
 * Word diff by jsdiff 9.0.0 (npm `diff`, dist/diff.min.js, sha256 b51a9d2885f2c090dc97b981027395f7e7e6558a46c75ae3747db267913a89ab,
 * BSD-3-Clause: see diff.LICENSE.txt), served from this site. */
(function () {
  "use strict";

  var FIELDS = [["title", "Title"], ["status", "Status"], ["effective", "Effective"], ["summary", "Summary"]];
  var PARAM = "compare";
  // Elements compared by their children (a list by its items, a table by its rows); the rest by their words.
  var CONTAINERS = { UL: 1, OL: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, BLOCKQUOTE: 1, DIV: 1, DL: 1, DETAILS: 1 };
  var BLOCKS = { P: 1, UL: 1, OL: 1, LI: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TD: 1, TH: 1, DIV: 1,
    BLOCKQUOTE: 1, PRE: 1, H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1, DL: 1, DT: 1, DD: 1, DETAILS: 1 };

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

  function words(node) { return node.textContent.replace(/\s+/g, " ").trim(); }
  function key(node) { return node.tagName + "\u0000" + words(node); }
  function elements(node) {
    return Array.prototype.filter.call(node.childNodes, function (c) { return c.nodeType === 1; });
  }
  function isContainer(node) {
    if (!CONTAINERS[node.tagName]) { return false; }
    var loose = Array.prototype.some.call(node.childNodes, function (c) { return c.nodeType === 3 && c.textContent.trim(); });
    return !loose && elements(node).every(function (c) { return BLOCKS[c.tagName]; });
  }

  /* A whole element removed or added: list items and rows marked themselves, other blocks wrapped. */
  function whole(node, tag) {
    var copy = node.cloneNode(true);
    if (copy.tagName === "LI" || copy.tagName === "TR" || copy.tagName === "TD" || copy.tagName === "TH") {
      copy.classList.add("hb-diff-" + tag);
      return copy;
    }
    var box = document.createElement("div");
    box.className = "hb-diff-" + tag;
    box.appendChild(copy);
    return box;
  }

  /* One element changed: its words compared, in the newer element's place. */
  function changed(older, newer) {
    if (isContainer(older) && isContainer(newer)) {
      var shell = newer.cloneNode(false);
      compareLists(elements(older), elements(newer), shell);
      return shell;
    }
    var parts = window.Diff.diffWords(older.textContent, newer.textContent);
    var kept = parts.filter(function (part) { return !part.removed; }).map(function (part) { return part.value; });
    if (kept.join("") === newer.textContent) { return marked(newer, parts); }
    var out = newer.cloneNode(false);  // (the diff's text is not the element's: its words, flat)
    parts.forEach(function (part) {
      if (part.added) { out.appendChild(mark("ins", part.value)); }
      else if (part.removed) { out.appendChild(mark("del", part.value)); }
      else { out.appendChild(document.createTextNode(part.value)); }
    });
    return out;
  }

  /* The newer element with its bold, links and code kept: each of its text nodes cut where a
     change starts or ends, added words wrapped in <ins>, removed ones put back in <del>. */
  function marked(newer, parts) {
    var out = newer.cloneNode(true), at = 0, cuts = [];
    parts.forEach(function (part) {
      if (part.removed) { cuts.push({ at: at, del: part.value }); return; }
      if (part.added) { cuts.push({ at: at, end: at + part.value.length }); }
      at += part.value.length;
    });
    var texts = [], walker = document.createTreeWalker(out, NodeFilter.SHOW_TEXT), node, start = 0;
    while ((node = walker.nextNode())) { texts.push({ node: node, start: start }); start += node.data.length; }
    texts.forEach(function (t) {
      var end = t.start + t.node.data.length, pieces = [], from = t.start;
      cuts.forEach(function (cut) {
        if (cut.del !== undefined) {
          // A removal sits in the text node it falls in (at its end only if no node follows it there).
          if (cut.at >= t.start && (cut.at < end || (cut.at === end && end === start))) { pieces.push({ at: cut.at, del: cut.del }); }
          return;
        }
        var a = Math.max(cut.at, t.start), b = Math.min(cut.end, end);
        if (a < b) { pieces.push({ at: a, end: b }); }
      });
      if (!pieces.length) { return; }
      pieces.sort(function (x, y) { return x.at - y.at || (x.del !== undefined ? -1 : 1); });
      var frag = document.createDocumentFragment(), text = t.node.data;
      pieces.forEach(function (piece) {
        if (piece.at > from) { frag.appendChild(document.createTextNode(text.slice(from - t.start, piece.at - t.start))); from = piece.at; }
        if (piece.del !== undefined) { frag.appendChild(mark("del", piece.del)); return; }
        frag.appendChild(mark("ins", text.slice(piece.at - t.start, piece.end - t.start)));
        from = piece.end;
      });
      if (from < end) { frag.appendChild(document.createTextNode(text.slice(from - t.start))); }
      t.node.replaceWith(frag);
    });
    return out;
  }

  /* Two lists of sibling elements: the equal ones kept, a removed and an added one of the same
     kind compared word by word, the rest shown removed or added whole. */
  function compareLists(older, newer, out) {
    var pending = [];
    function flush(added) {
      var used = 0;
      added.forEach(function (node) {
        var at = -1;
        for (var i = used; i < pending.length; i += 1) { if (pending[i].tagName === node.tagName) { at = i; break; } }
        if (at < 0) { out.appendChild(whole(node, "ins")); return; }
        pending.slice(used, at).forEach(function (gone) { out.appendChild(whole(gone, "del")); });
        out.appendChild(changed(pending[at], node));
        used = at + 1;
      });
      pending.slice(used).forEach(function (gone) { out.appendChild(whole(gone, "del")); });
      pending = [];
    }
    var a = 0, b = 0;
    window.Diff.diffArrays(older.map(key), newer.map(key)).forEach(function (part) {
      if (part.removed) { pending = pending.concat(older.slice(a, a + part.count)); a += part.count; return; }
      if (part.added) { flush(newer.slice(b, b + part.count)); b += part.count; return; }
      flush([]);
      newer.slice(b, b + part.count).forEach(function (node) { out.appendChild(node.cloneNode(true)); });
      a += part.count;
      b += part.count;
    });
    flush([]);
  }

  /* The rendered text of a version: what follows "Text of version N" on its page, its links made
     absolute (the page sits elsewhere), and its headings shown bold as on the version pages. */
  function versionText(html, url) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var start = page.getElementById("text");
    var nodes = [];
    for (var node = start && start.nextElementSibling; node; node = node.nextElementSibling) {
      if (!/^md-/.test(node.className || "")) { nodes.push(node); }
    }
    nodes.forEach(function (n) {
      n.querySelectorAll("[href]").forEach(function (e) { e.setAttribute("href", new URL(e.getAttribute("href"), url).href); });
      n.querySelectorAll("[src]").forEach(function (e) { e.setAttribute("src", new URL(e.getAttribute("src"), url).href); });
    });
    return nodes;
  }

  function tidy(root) {
    root.querySelectorAll(".headerlink").forEach(function (e) { e.remove(); });
    root.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    root.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function (h) {
      var p = document.createElement("p"), strong = document.createElement("strong");
      strong.className = "hb-diff-heading";
      while (h.firstChild) { strong.appendChild(h.firstChild); }
      p.appendChild(strong);
      h.replaceWith(p);
    });
  }

  function render(box, older, newer, olderText, newerText) {
    var out = document.createElement("div");
    out.className = "hb-diff hb-compare-rendered";
    compareLists(olderText, newerText, out);
    tidy(out);
    var added = out.querySelectorAll("ins, .hb-diff-ins").length, removed = out.querySelectorAll("del, .hb-diff-del").length;
    var heading = document.createElement("p");
    heading.className = "hb-compare-heading";
    heading.textContent = "Version " + older.number + " to version " + newer.number + ": " +
      (added || removed ? added + " insertion(s), " + removed + " deletion(s) in the text." : "the text is the same.");
    box.replaceChildren(heading, fields(older, newer), out);
  }

  /* `?compare=2..5` -> [2, 5], or null. */
  function fromAddress() {
    var found = /^(\d+)\.\.(\d+)$/.exec(new URLSearchParams(window.location.search).get(PARAM) || "");
    return found ? [found[1], found[2]] : null;
  }

  function setup(form) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var box = form.parentNode.querySelector(".hb-compare-result");
    var from = form.elements.from, to = form.elements.to;
    from.value = form.dataset.from;
    to.value = form.dataset.to;
    var loaded = null, pages = {};
    function load() {
      if (!loaded) {
        loaded = fetch(form.dataset.versions).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        });
      }
      return loaded;
    }
    function page(number) {
      var link = document.querySelector('table.hb-history tr[data-version="' + number + '"] a');
      if (!link) { return Promise.reject(new Error("no page for version " + number)); }
      if (!pages[number]) {
        pages[number] = fetch(link.href).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        }).then(function (html) { return versionText(html, link.href); });
      }
      return pages[number];
    }
    function compare(a, b) {
      if (!window.Diff) { box.textContent = "The diff library did not load."; return; }
      box.textContent = "Comparing\u2026";
      load().then(function (data) {
        var byNumber = {};
        data.versions.forEach(function (v) { byNumber[v.number] = v; });
        var older = byNumber[a], newer = byNumber[b];
        if (!older || !newer) { box.textContent = "Pick two versions of this policy."; return null; }
        if (older.number > newer.number) { var t = older; older = newer; newer = t; }
        return Promise.all([page(older.number), page(newer.number)]).then(function (texts) {
          render(box, older, newer, texts[0], texts[1]);
        });
      }).catch(function (error) {
        loaded = null;
        pages = {};
        box.textContent = "Could not load the versions (" + error.message + ").";
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var lo = Math.min(+from.value, +to.value), hi = Math.max(+from.value, +to.value);
      var address = new URL(window.location.href);
      address.searchParams.set(PARAM, lo + ".." + hi);
      address.hash = "compare";
      window.history.pushState(null, "", address.href);
      compare(lo, hi);
    });
    function followAddress() {
      var asked = fromAddress();
      if (!asked) { box.textContent = ""; return; }
      from.value = asked[0];
      to.value = asked[1];
      compare(+asked[0], +asked[1]);
    }
    // Back and Forward go through the comparisons made on the page, as through pages.
    window.addEventListener("popstate", function () { if (document.body.contains(form)) { followAddress(); } });
    followAddress();
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
