/* handbook: what depends on the reader's own day. A version whose effective date is still to
   come: its pages carry the dates (`.hb-coming`), and before that day a banner says when it
   comes into force and which version is in force until then. A printed record says where it
   was printed from, its version and the day. Served from the site itself. */
(function () {
  "use strict";

  function isoDay(date) {
    var m = date.getMonth() + 1, d = date.getDate();
    return date.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }

  function show(mark) {
    var today = isoDay(new Date()), effective = mark.dataset.effective;
    if (!effective || today >= effective) { return; }
    var earlier = [];
    try { earlier = JSON.parse(mark.dataset.earlier || "[]"); } catch (e) { earlier = []; }
    // The version in force today: the latest of those before it already effective.
    var inForce = null;
    earlier.forEach(function (v) {
      if (v.effective <= today && (!inForce || v.number > inForce.number)) { inForce = v; }
    });
    var box = document.createElement("div");
    box.className = "admonition warning hb-banner hb-coming-banner";
    box.setAttribute("role", "note");
    var title = document.createElement("p");
    title.className = "admonition-title";
    title.textContent = "Coming into force on " + effective;
    var text = document.createElement("p");
    text.appendChild(document.createTextNode(
      "Version " + mark.dataset.version + " comes into force on " + effective + ". "));
    if (inForce) {
      text.appendChild(document.createTextNode("Until then, "));
      var link = document.createElement("a");
      link.href = inForce.href;
      link.textContent = "version " + inForce.number;
      text.appendChild(link);
      text.appendChild(document.createTextNode(" (effective " + inForce.effective + ") is in force."));
    } else {
      text.appendChild(document.createTextNode("Until then, no version of this policy is in force."));
    }
    box.appendChild(title);
    box.appendChild(text);
    mark.appendChild(box);
    mark.hidden = false;
  }

  // The line a printed record starts with: its address, its version and the day it was printed.
  function printLine(record) {
    var line = record.parentNode.querySelector(".hb-print-info");
    if (!line) {
      line = document.createElement("p");
      line.className = "hb-print-info";
      record.parentNode.insertBefore(line, record);
    }
    var version = record.dataset.version;
    if (!version) {
      record.querySelectorAll(".hb-facts dt").forEach(function (dt) {
        if (dt.textContent.trim() === "Version" && dt.nextElementSibling) {
          version = dt.nextElementSibling.textContent.trim();
        }
      });
    }
    var address = location.href.split("#")[0];
    line.textContent = "Printed on " + isoDay(new Date()) + " from " + address +
      (version ? " (version " + version + ")." : ".");
  }

  function init() {
    document.querySelectorAll(".hb-coming[data-effective]").forEach(function (mark) {
      if (!mark.dataset.ready) { mark.dataset.ready = "1"; show(mark); }
    });
    document.querySelectorAll(".hb-record").forEach(printLine);
  }

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".hb-record").forEach(printLine);
  });

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
