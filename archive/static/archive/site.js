// Progressive enhancement only: every feature below also works as a plain GET form.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Filters and sort apply as soon as they change; empty fields stay out of the URL.
  // In the filter drawer (one column) a tick does not reload: "Apply (n)" counts the ticks.
  var oneColumn = window.matchMedia("(max-width: 50rem)");
  function countSelected(form) {
    var count = form.querySelectorAll("#filters input[type=checkbox]:checked:not(:disabled)").length;
    form.querySelectorAll("#filters input[type=date]").forEach(function (i) { if (i.value) count++; });
    var out = form.querySelector("[data-selected-count]");
    if (out) out.textContent = count;
  }
  function enhanceForm(form) {
    form.addEventListener("change", function (event) {
      if (oneColumn.matches && event.target.closest("#filters")) { countSelected(form); return; }
      if (event.target.matches("[data-autosubmit]")) form.requestSubmit();
    });
    form.addEventListener("formdata", function (event) {
      var empty = [];
      event.formData.forEach(function (value, key) { if (value === "") empty.push(key); });
      empty.forEach(function (key) {
        var kept = event.formData.getAll(key).filter(function (v) { return v !== ""; });
        event.formData.delete(key);
        kept.forEach(function (v) { event.formData.append(key, v); });
      });
    });
  }

  // Autocomplete: an ARIA combobox over a listbox filled from the suggest endpoint.
  var counter = 0;
  function enhanceSuggest(input) {
    var id = "suggestions-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, timer = null, latest = "";

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", id + "-" + index);
      else input.removeAttribute("aria-activedescendant");
    }
    function choose(index) {
      var item = items[index];
      if (!item) return;
      close();
      if (item.url) { window.location.assign(item.url); return; }
      input.value = item.text;
      if (input.form) input.form.requestSubmit();
    }
    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.textContent = s.text;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = s.label || s.kind;
        li.append(text, kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var open = suggestions.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      latest = q;
      if (q.length < 2) { render([]); return; }
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (q === latest && document.activeElement === input) render(data.suggestions || []); })
        .catch(function () { render([]); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  // Date chart (chart-place): press on one bar and release on another (or Space on one,
  // Enter on another) to search the dates from the first to the last. A click on one bar
  // is its plain link, as without JavaScript.
  function enhanceChart(figure) {
    var svg = figure.querySelector("svg");
    var status = figure.querySelector(".range-status");
    var bins = Array.prototype.slice.call(figure.querySelectorAll(".bin"));
    var start = null, end = null;

    function binAt(event) {
      var element = document.elementFromPoint(event.clientX, event.clientY);
      return element && element.closest ? element.closest(".histogram .bin") : null;
    }
    function picked() {
      var a = bins.indexOf(start), b = bins.indexOf(end);
      return bins.slice(Math.min(a, b), Math.max(a, b) + 1);
    }
    function show() {
      var chosen = picked(), count = 0;
      bins.forEach(function (bin) { bin.classList.toggle("picked", chosen.indexOf(bin) >= 0); });
      chosen.forEach(function (bin) { count += Number(bin.dataset.count); });
      status.textContent = chosen[0].dataset.from + " to " + chosen[chosen.length - 1].dataset.to +
        ": " + count + " article" + (count === 1 ? "" : "s") + " (release to search them)";
    }
    function reset() {
      start = end = null;
      bins.forEach(function (bin) { bin.classList.remove("picked"); });
      status.textContent = "";
    }
    svg.addEventListener("dragstart", function (event) { event.preventDefault(); });
    svg.addEventListener("pointerdown", function (event) {
      var bin = binAt(event);
      if (!bin || event.button !== 0) return;
      start = end = bin;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start) return;
      var bin = binAt(event);
      if (bin && bin !== end) { end = bin; show(); }
    });
    function search() {
      var chosen = picked();
      var url = new URL(figure.dataset.rangeUrl, window.location.href);
      url.searchParams.set("from", chosen[0].dataset.from);
      url.searchParams.set("to", chosen[chosen.length - 1].dataset.to);
      window.location.assign(url.toString());
    }
    svg.addEventListener("pointerup", function () {
      if (!start || start === end) { reset(); return; }
      search();
    });
    // From the keyboard: Space marks the focused bar as one end, Enter on another bar
    // searches from one to the other, Escape forgets the mark.
    svg.addEventListener("keydown", function (event) {
      var bin = event.target.closest ? event.target.closest(".histogram .bin") : null;
      if (!bin) return;
      if (event.key === " ") {
        event.preventDefault();
        start = end = bin;
        show();
        status.textContent = "From " + bin.dataset.from + ": press Enter on the last bar of the range";
      } else if (event.key === "Enter" && start && start !== bin) {
        event.preventDefault();
        end = bin;
        search();
      } else if (event.key === "Escape") {
        reset();
      }
    });
    svg.addEventListener("pointercancel", reset);
    svg.addEventListener("pointerleave", function () { if (start && start === end) reset(); });
  }

  // A copy button for an address field (the feed page): shown only where it can work.
  function enhanceCopy(button) {
    var field = document.getElementById(button.dataset.copy);
    var status = button.closest(".copy").querySelector("[role=status]");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      navigator.clipboard.writeText(field.value).then(
        function () { status.textContent = "Copied. Paste it into your feed reader."; },
        function () { status.textContent = "Could not copy: the address is selected, press Ctrl+C (⌘C on a Mac)."; }
      );
    });
  }

  ready(function () {
    document.querySelectorAll("[data-search-form]").forEach(enhanceForm);
    document.querySelectorAll(".histogram[data-range-url]").forEach(enhanceChart);
    document.querySelectorAll("button[data-copy]").forEach(enhanceCopy);
    document.querySelectorAll("input[data-suggest]").forEach(enhanceSuggest);
  });
})();
