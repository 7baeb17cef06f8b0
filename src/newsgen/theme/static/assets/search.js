/* newsgen: the search page. Pagefind's UI on this language's index (its newest part,
   merged with the older ones), with the page's words; the query comes from the header's
   search box (?q=...). */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") { return; }
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: box.dataset.bundle,
    mergeIndex: JSON.parse(box.dataset.merge || "[]").map(function (url) {
      return { bundlePath: url };
    }),
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    translations: JSON.parse(box.dataset.translations || "{}")
  });
  // The search field is named by the page's heading (Pagefind's has only a title).
  function label() {
    var input = box.querySelector("input");
    if (input) { input.setAttribute("aria-labelledby", "search-title"); }
    return Boolean(input);
  }
  if (!label()) {
    new MutationObserver(function (changes, watch) {
      if (label()) { watch.disconnect(); }
    }).observe(box, { childList: true, subtree: true });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
