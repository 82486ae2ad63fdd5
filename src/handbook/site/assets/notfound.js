/* handbook: the "Page not found" page's search box: it searches with the header's (Pagefind),
   starting from the words of the address that was not found. Served from the site itself. */
(function () {
  "use strict";
  var form = document.querySelector("form.hb-not-found");
  var header = document.getElementById("hb-search-input");
  if (!form || !header) { return; }
  var field = form.querySelector("input[type=search]");
  // "/policies/refund-rules/v2/" -> "refund rules": the words of the address, not its folders.
  var words = decodeURIComponent(location.pathname).split("/").filter(function (part) {
    return part && !/^(policies|decisions|blog|owners|reading|feeds|v\d+|history|index\.html|404\.html)$/.test(part);
  }).join(" ").replace(/\.html$/, "").replace(/^\d{4}-/, "").replace(/[-_]+/g, " ").trim();
  field.value = words;
  form.hidden = false;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var toggle = document.getElementById("__search");
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    header.value = field.value;
    header.focus();
    header.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
