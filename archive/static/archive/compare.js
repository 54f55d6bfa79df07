// The compare chart's tooltips: hovering or touching a point says its search, period,
// count and share (the same words as its <title>) in the chart's live status line.
(function () {
  "use strict";
  function init() {
    document.querySelectorAll(".compare-figure").forEach(function (figure) {
      var tip = figure.querySelector(".tip");
      if (!tip) return;
      figure.querySelectorAll(".point").forEach(function (point) {
        function show() {
          figure.querySelectorAll(".point.active").forEach(function (p) { p.classList.remove("active"); });
          point.classList.add("active");
          tip.textContent = point.getAttribute("data-tip");
        }
        point.addEventListener("mouseenter", show);
        point.addEventListener("focus", show);
        point.addEventListener("click", show);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
