// A renamed policy's old address: on to its new one (the page's canonical link), keeping the
// #section. A file of its own, not an inline script: the site's Content-Security-Policy runs none.
(function () {
  var link = document.querySelector('link[rel="canonical"]');
  if (link) location.href = link.href + location.hash;
})();
