// Servista UI behaviour: HTMX settings, people type-ahead, bulk selection and
// keyboard shortcuts. No framework; everything here is progressive.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // Form errors come back as 422 with the form re-rendered: swap them in.
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "422", swap: true },
        { code: "[45]..", swap: false, error: true },
      ];
    }
    bindAll(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) { bindAll(event.target); });

  // Load an action form into the shared modal, then show it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "action-modal-content") {
      bootstrap.Modal.getOrCreateInstance(document.getElementById("action-modal")).show();
      var first = event.target.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    }
  });

  function bindAll(root) {
    bindPeopleSearch(root);
    bindBulk(root);
  }

  // --- people type-ahead ------------------------------------------------------
  var listCounter = 0;
  function bindPeopleSearch(root) {
    root.querySelectorAll("input[data-people-search]").forEach(function (input) {
      if (input.dataset.bound) { return; }
      input.dataset.bound = "1";
      var list = document.createElement("datalist");
      list.id = "people-list-" + (++listCounter);
      input.setAttribute("list", list.id);
      input.after(list);
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 2) { return; }
        timer = setTimeout(function () {
          var url = "/people/search?q=" + encodeURIComponent(q);
          if (input.dataset.peopleScope) { url += "&scope=" + input.dataset.peopleScope; }
          fetch(url, { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.text() : ""; })
            .then(function (html) { list.innerHTML = html; });
        }, 200);
      });
    });
  }

  // --- bulk selection -----------------------------------------------------------
  function bindBulk(root) {
    var all = root.querySelector ? root.querySelector("input[data-select-all]") : null;
    if (all && !all.dataset.bound) {
      all.dataset.bound = "1";
      all.addEventListener("change", function () {
        document.querySelectorAll("input[name=selection]").forEach(function (box) {
          box.checked = all.checked;
        });
        updateBulkBar();
      });
    }
    document.querySelectorAll("input[name=selection]").forEach(function (box) {
      if (box.dataset.bound) { return; }
      box.dataset.bound = "1";
      box.addEventListener("change", updateBulkBar);
    });
    updateBulkBar();
  }

  function updateBulkBar() {
    var bar = document.getElementById("bulk-bar");
    if (!bar) { return; }
    var count = document.querySelectorAll("input[name=selection]:checked").length;
    bar.querySelectorAll("button, select").forEach(function (el) { el.disabled = count === 0; });
    var label = document.getElementById("bulk-count");
    if (label) { label.textContent = count ? count + " selected" : "Select rows to act on them"; }
  }

  // --- keyboard shortcuts -----------------------------------------------------------
  var pending = null;
  var cursor = -1;

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#results tbody tr")); }

  function moveCursor(delta) {
    var list = rows();
    if (!list.length) { return; }
    list.forEach(function (r) { r.classList.remove("row-cursor"); });
    cursor = Math.max(0, Math.min(list.length - 1, cursor + delta));
    list[cursor].classList.add("row-cursor");
    list[cursor].scrollIntoView({ block: "nearest" });
  }

  function currentRow() { var list = rows(); return cursor >= 0 ? list[cursor] : null; }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) { window.location.href = link.getAttribute("href"); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    var key = event.key;
    if (pending === "g") {
      pending = null;
      var target = { w: "g w", i: "g i", p: "g p" }[key];
      if (target) { event.preventDefault(); follow('[data-shortcut="' + target + '"]'); }
      return;
    }
    switch (key) {
      case "g": pending = "g"; setTimeout(function () { pending = null; }, 1200); break;
      case "/": {
        var search = document.querySelector("[data-shortcut-focus='/']");
        if (search) { event.preventDefault(); search.focus(); }
        break;
      }
      case "?": bootstrap.Modal.getOrCreateInstance(document.getElementById("shortcuts-help")).show(); break;
      case "n": follow("[data-shortcut='n']"); break;
      case "c": {
        var box = document.querySelector("[data-shortcut-focus='c']");
        if (box) { event.preventDefault(); box.focus(); }
        break;
      }
      case "j": moveCursor(1); break;
      case "k": moveCursor(-1); break;
      case "x": {
        var row = currentRow();
        var check = row && row.querySelector("input[name=selection]");
        if (check) { check.checked = !check.checked; updateBulkBar(); }
        break;
      }
      case "o":
      case "Enter": {
        var r = currentRow();
        var link = r && r.querySelector("a[href]");
        if (link) { window.location.href = link.getAttribute("href"); }
        break;
      }
    }
  });
})();
