/* handbook: the header's search box, backed by the Pagefind index the plugin writes to pagefind/.
   Nothing loads until the box is used; then only pagefind.js, its worker and wasm, and the index
   chunks the query needs. Records no longer in force are listed after current ones. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 120;
  var FILTERS = [["kind", "Kind"], ["status", "Status"], ["audience", "Audience"], ["owner", "Owner"]];
  var ARCHIVED = { standing: "archived" };
  var TITLE_WEIGHT = 10;
  // How many of each pass's best hits are ranked again by their titles (their data is loaded).
  var RANKED = 20;

  var root = document.querySelector("[data-hb-search]");
  var toggle = document.getElementById("__search");
  if (!root || !toggle) { return; }
  var form = root.querySelector("form");
  var input = root.querySelector("input[name=query]");
  var status = root.querySelector("#hb-search-status");
  var list = root.querySelector("#hb-search-results");
  var more = root.querySelector(".hb-search-more");
  var filterBox = root.querySelector(".hb-search-filters");
  var filterFields = root.querySelector(".hb-search-filters__fields");
  var filterSelects = [];
  var engine = null;
  var state = { seq: 0, term: "", hits: [], shown: 0, timer: 0 };

  function siteBase() {
    var base = ".";
    try { base = JSON.parse(document.getElementById("__config").textContent).base || "."; } catch (e) { /* default */ }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  function load() {
    if (!engine) {
      var base = siteBase();
      engine = import(new URL("pagefind/pagefind.js", base).href).then(function (pagefind) {
        // A match in a page's title (its h1, Pagefind's `title` meta) counts above one in its text.
        var ranking = { metaWeights: { title: TITLE_WEIGHT } };
        return pagefind.options({ baseUrl: base.pathname, excerptLength: 24, ranking: ranking }).then(function () {
          filterBox.hidden = false;
          return pagefind;
        });
      });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  function say(text) { status.textContent = text; }

  function activeFilters() {
    var chosen = {};
    filterSelects.forEach(function (select) { if (select.value) { chosen[select.name] = select.value; } });
    return chosen;
  }

  function withFilters(extra) {
    var filters = activeFilters();
    Object.keys(extra).forEach(function (k) { filters[k] = extra[k]; });
    return { filters: filters };
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(run, DEBOUNCE_MS);
  }

  function run() {
    var term = input.value.trim();
    var seq = ++state.seq;
    state.term = term;
    if (!term) {
      list.textContent = "";
      more.hidden = true;
      say("Type to search policies, decisions and posts");
      return;
    }
    say("Searching\u2026");
    load().then(function (pagefind) {
      // Two passes rather than one ranking: what is in force first, then what no longer is.
      return Promise.all([
        pagefind.search(term, withFilters({ not: ARCHIVED })),
        pagefind.search(term, withFilters(ARCHIVED))
      ]);
    }).then(function (found) {
      return Promise.all([byTitle(found[0].results, term), byTitle(found[1].results, term)]);
    }).then(function (found) {
      if (seq !== state.seq) { return; }
      state.hits = found[0].concat(found[1]);
      state.shown = 0;
      list.textContent = "";
      return showMore(seq);
    }).catch(function (error) {
      if (seq !== state.seq) { return; }
      say("Search is unavailable: the index could not be loaded.");
      if (window.console) { window.console.error("handbook search:", error); }
    });
  }

  function words(text) { return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean); }
  // "complaint" finds "Complaints", "refunds" finds "Refund": a word matches on a shared stem.
  function stem(word) { return word.length > 4 ? word.replace(/(ies|es|s|ing|ed)$/, "") : word; }
  function inTitle(title, term) {
    var titled = words(title).map(stem);
    return words(term).map(stem).every(function (q) {
      return titled.some(function (w) { return w.indexOf(q) === 0 || q.indexOf(w) === 0; });
    });
  }

  /* The best hits again: pages whose title holds every word of the query first, and of those a
     policy first; otherwise Pagefind's order. What is no longer in force is a pass of its own. */
  function byTitle(hits, term) {
    var head = hits.slice(0, RANKED);
    return Promise.all(head.map(function (hit) { return hit.data(); })).then(function (pages) {
      var keyed = head.map(function (hit, i) {
        var meta = pages[i].meta || {};
        var titled = inTitle(meta.title || "", term);
        return { hit: hit, at: i, titled: titled ? 0 : 1, kind: titled && meta.kind !== "Policy" ? 1 : 0 };
      });
      keyed.sort(function (a, b) { return a.titled - b.titled || a.kind - b.kind || a.at - b.at; });
      return keyed.map(function (k) { return k.hit; }).concat(hits.slice(RANKED));
    });
  }

  function showMore(seq) {
    var batch = state.hits.slice(state.shown, state.shown + PAGE_SIZE);
    return Promise.all(batch.map(function (hit) { return hit.data(); })).then(function (pages) {
      if (seq !== state.seq) { return; }
      pages.forEach(function (page) { list.appendChild(render(page)); });
      state.shown += batch.length;
      var total = state.hits.length;
      var quoted = "\u201c" + state.term + "\u201d";
      say(total === 0 ? "No results for " + quoted : total === 1 ? "1 result for " + quoted : total + " results for " + quoted);
      more.hidden = state.shown >= total;
    });
  }

  function render(page) {
    var meta = page.meta || {};
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = page.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset hb-result";
    var tags = document.createElement("p");
    tags.className = "hb-result__tags";
    var kind = document.createElement("span");
    kind.className = "hb-result__kind";
    kind.textContent = meta.kind || "Page";
    tags.appendChild(kind);
    if (meta.label) { tags.appendChild(document.createTextNode(" " + meta.label)); }
    if (meta.status) {
      var badge = document.createElement("span");
      badge.className = "hb-status hb-status--" + meta.status.replace(/[^a-z-]/g, "");
      badge.textContent = meta.status;
      tags.appendChild(document.createTextNode(" "));
      tags.appendChild(badge);
    }
    var title = document.createElement("h1");
    title.textContent = meta.title || page.url;
    var excerpt = document.createElement("p");
    // Pagefind's excerpt is escaped page text with <mark> around the matched words.
    excerpt.innerHTML = page.excerpt;
    article.appendChild(tags);
    article.appendChild(title);
    article.appendChild(excerpt);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  function buildFilters() {
    if (filterSelects.length) { return; }
    load().then(function (pagefind) { return pagefind.filters(); }).then(function (available) {
      if (filterSelects.length) { return; }
      FILTERS.forEach(function (field) {
        var counts = available[field[0]];
        if (!counts || !Object.keys(counts).length) { return; }
        var label = document.createElement("label");
        label.textContent = field[1];
        var select = document.createElement("select");
        select.name = field[0];
        select.add(new Option("All", ""));
        Object.keys(counts).sort().forEach(function (value) {
          select.add(new Option(value + " (" + counts[value] + ")", value));
        });
        select.addEventListener("change", function () {
          var n = Object.keys(activeFilters()).length;
          filterBox.querySelector("summary").textContent = n ? "Filter results (" + n + " active)" : "Filter results";
          run();
        });
        label.appendChild(select);
        filterFields.appendChild(label);
        filterSelects.push(select);
      });
    });
  }

  function open() {
    if (!toggle.checked) { toggle.checked = true; }
    load();
  }

  function close() {
    toggle.checked = false;
    if (root.contains(document.activeElement)) { document.activeElement.blur(); }
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link")); }

  input.addEventListener("focus", open);
  input.addEventListener("input", schedule);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = links()[0];
    if (first) { window.location.href = first.href; }
  });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { run(); input.focus(); }, 0);
  });
  more.addEventListener("click", function () { showMore(state.seq); });
  filterBox.addEventListener("toggle", function () { if (filterBox.open) { buildFilters(); } });

  // The header's search button (small screens) and the overlay both flip Material's toggle.
  toggle.addEventListener("change", function () {
    if (toggle.checked) { window.setTimeout(function () { input.focus(); }, 50); } else { close(); }
  });
  root.addEventListener("focusout", function (ev) {
    if (ev.relatedTarget && root.contains(ev.relatedTarget)) { return; }
    // A click elsewhere on the page, or Tab out of the box, closes it.
    window.setTimeout(function () { if (!root.contains(document.activeElement)) { toggle.checked = false; } }, 0);
  });

  root.addEventListener("keydown", function (ev) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (ev.key === "Escape") {
      ev.preventDefault();
      close();
    } else if (ev.key === "ArrowDown" && (ev.target === input || at >= 0) && all.length) {
      ev.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (ev.key === "ArrowUp" && at >= 0) {
      ev.preventDefault();
      if (at === 0) { input.focus(); } else { all[at - 1].focus(); }
    }
  });

  // "/" (like Material's own search, also "s" and "f") jumps to the box from anywhere but a field.
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) { return; }
    if (ev.key !== "/" && ev.key !== "s" && ev.key !== "f") { return; }
    var target = ev.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    ev.preventDefault();
    open();
    input.focus();
    input.select();
  });
})();
