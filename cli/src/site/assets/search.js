// Offline search over the rule index: every row carries its searchable text in `data-search`, so nothing is
// fetched and the page works from file://. All words must match; `/` focuses the box; `?q=` pre-fills it.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var table = document.getElementById("rules");
  if (!input || !table) {
    return;
  }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var count = document.getElementById("count");
  var noMatch = document.getElementById("no-match");

  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search") || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    count.textContent = shown === rows.length ? rows.length + " rules" : shown + " of " + rows.length + " rules";
    noMatch.hidden = shown !== 0;
  }

  input.addEventListener("input", apply);
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
  }
  apply();
})();
