// Counterpoint web app: click an entity, quote, number or date to highlight its evidence in the text.
// Served as a file so the Content-Security-Policy can forbid inline script; no network calls.
"use strict";
(function () {
  function marks(ref) {
    return Array.prototype.filter.call(document.querySelectorAll(".mk[data-ref]"), function (el) {
      return el.getAttribute("data-ref") === ref;
    });
  }
  function clear() {
    document.querySelectorAll(".mk.hl").forEach(function (el) { el.classList.remove("hl"); });
    document.querySelectorAll("button.ref.on").forEach(function (el) { el.classList.remove("on"); });
  }
  function show(ref, label) {
    clear();
    var found = marks(ref);
    found.forEach(function (el) { el.classList.add("hl"); });
    document.querySelectorAll("button.ref").forEach(function (b) {
      if (b.getAttribute("data-target") === ref) { b.classList.add("on"); }
    });
    var status = document.getElementById("status");
    if (status) {
      status.textContent = found.length ? "Highlighted in the text: " + label : "";
    }
    if (found.length) { found[0].scrollIntoView({ block: "center" }); }
  }
  document.addEventListener("click", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (!target) { return; }
    var button = target.closest("button.ref");
    if (button) {
      show(button.getAttribute("data-target"), button.textContent.trim());
      return;
    }
    var mark = target.closest(".mk[data-ref]");
    if (mark && mark.closest(".body")) {
      show(mark.getAttribute("data-ref"), mark.textContent.trim());
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector(".body .mk.hl");
    if (first) { first.scrollIntoView({ block: "center" }); }
    document.querySelectorAll("form#search select").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  });
})();
