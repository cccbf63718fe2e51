// Servista UI behaviour: HTMX settings, error notices, people type-ahead, bulk
// selection and keyboard shortcuts. No framework; everything here is progressive.
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

  // --- errors of HTMX requests -----------------------------------------------------
  // A refused or failed request (403, 404, 409, 500, no network) swaps nothing:
  // say so in a notice above everything (the open dialog stays open, with what
  // was typed). 422 answers are forms with their errors and are swapped in.
  var STATUS_TEXT = {
    400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
    405: "Not allowed", 409: "Not possible now", 413: "Too large", 429: "Too many requests",
    500: "Server error", 502: "Server unavailable", 503: "Server unavailable",
    504: "Server timeout"
  };

  function errorDetail(xhr) {
    var text = xhr.responseText || "";
    if (!text) { return ""; }
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") === 0) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var el = doc.querySelector("[data-error-message]");
      return el ? el.textContent.trim() : "";
    }
    if (type.indexOf("application/json") === 0) {
      try { var data = JSON.parse(text); return String(data.detail || ""); } catch (e) { return ""; }
    }
    if (type.indexOf("text/plain") === 0) { return text.trim(); }
    return "";
  }

  function showError(title, detail) {
    var area = document.getElementById("toast-area");
    if (!area) {
      area = document.createElement("div");
      area.id = "toast-area";
      area.className = "toast-container position-fixed top-0 end-0 p-3";
      document.body.appendChild(area);
    }
    var toast = document.createElement("div");
    toast.className = "toast show align-items-center text-bg-danger border-0 servista-error";
    toast.setAttribute("role", "alert");
    toast.setAttribute("aria-live", "assertive");
    toast.setAttribute("aria-atomic", "true");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    var strong = document.createElement("strong");
    strong.textContent = title;
    body.appendChild(strong);
    if (detail) {
      body.appendChild(document.createElement("br"));
      body.appendChild(document.createTextNode(detail.slice(0, 300)));
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { toast.remove(); });
    row.appendChild(body);
    row.appendChild(close);
    toast.appendChild(row);
    area.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 10000);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr.status;
    var title = "Error " + status + ": " + (STATUS_TEXT[status] || xhr.statusText || "request failed");
    showError(title, errorDetail(xhr));
  });
  document.addEventListener("htmx:sendError", function () {
    showError("Network error", "The server could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:timeout", function () {
    showError("Timeout", "The server did not answer in time. Try again.");
  });
  window.servistaShowError = showError;

  function bindAll(root) {
    bindPeopleSearch(root);
    bindBulk(root);
    bindMembers(root);
    bindFileDrop(root);
  }

  // --- files: chosen, dropped on the form, or pasted (screenshots) ---------------
  // A form with data-file-drop holds an <input type=file data-file-input>; files
  // dropped on the form or pasted into it are added to that input, and their
  // names shown in [data-file-names].
  function bindFileDrop(root) {
    if (!root.querySelectorAll) { return; }
    var forms = root.matches && root.matches("form[data-file-drop]") ? [root] : [];
    root.querySelectorAll("form[data-file-drop]").forEach(function (f) { forms.push(f); });
    forms.forEach(function (form) {
      if (form.dataset.fileBound) { return; }
      form.dataset.fileBound = "1";
      var input = form.querySelector("input[data-file-input]");
      var names = form.querySelector("[data-file-names]");
      if (!input || typeof DataTransfer === "undefined") { return; }
      function show() {
        if (!names) { return; }
        var list = Array.prototype.map.call(input.files, function (f) { return f.name; });
        names.textContent = list.length ? "Attached: " + list.join(", ") : "or drop or paste them here";
      }
      function add(files) {
        var all = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
        Array.prototype.forEach.call(files, function (f, i) {
          if (!f.name || f.name === "image.png") {
            // A pasted screenshot has no useful name: give it one with the time.
            var stamp = new Date().toISOString().replace(/[:.]/g, "-");
            f = new File([f], "screenshot-" + stamp + "-" + i + "." + ((f.type.split("/")[1]) || "png"), { type: f.type });
          }
          all.items.add(f);
        });
        input.files = all.files;
        show();
      }
      input.addEventListener("change", show);
      form.addEventListener("dragover", function (event) {
        event.preventDefault();
        form.classList.add("drag-over");
      });
      form.addEventListener("dragleave", function () { form.classList.remove("drag-over"); });
      form.addEventListener("drop", function (event) {
        event.preventDefault();
        form.classList.remove("drag-over");
        if (event.dataTransfer && event.dataTransfer.files.length) { add(event.dataTransfer.files); }
      });
      form.addEventListener("paste", function (event) {
        var data = event.clipboardData;
        if (data && data.files && data.files.length) {
          event.preventDefault();
          add(data.files);
        }
      });
    });
  }

  // --- assignees narrowed to the chosen group's members -------------------------
  // <select data-members-of="assignment_group"> options carry data-groups; when
  // a group is chosen in the same form, only its members are offered.
  function bindMembers(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("select[data-members-of]").forEach(function (people) {
      if (people.dataset.bound) { return; }
      people.dataset.bound = "1";
      var form = people.form;
      var group = form ? form.elements.namedItem(people.getAttribute("data-members-of")) : null;
      if (!group) { return; }
      function narrow() {
        var chosen = group.value;
        Array.prototype.forEach.call(people.options, function (option) {
          if (!option.value) { return; }
          var groups = (option.getAttribute("data-groups") || "").split(" ");
          option.hidden = option.disabled = !!chosen && groups.indexOf(chosen) < 0;
        });
        if (people.selectedOptions.length && people.selectedOptions[0].hidden) { people.value = ""; }
      }
      group.addEventListener("change", narrow);
      narrow();
    });
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
    var state = document.querySelector("#bulk-bar select[name=state]");
    if (state && !state.dataset.bound) {
      state.dataset.bound = "1";
      state.addEventListener("change", updateBulkBar);
    }
    updateBulkBar();
  }

  function updateBulkBar() {
    var bar = document.getElementById("bulk-bar");
    if (!bar) { return; }
    var count = document.querySelectorAll("input[name=selection]:checked").length;
    bar.querySelectorAll("button, select, input").forEach(function (el) { el.disabled = count === 0; });
    // The inputs a target state needs (hold reason; resolution code and
    // notes) show, and are sent, only when that state is chosen.
    var select = bar.querySelector("select[name=state]");
    var target = select ? select.value : "";
    bar.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      var wanted = el.getAttribute("data-bulk-for") === target;
      el.hidden = !wanted;
      if (!wanted) { el.disabled = true; }
    });
    var reason = bar.querySelector("[data-bulk-reason]");
    if (reason) {
      var needing = (reason.getAttribute("data-reason-required") || "").split(" ");
      reason.placeholder = needing.indexOf(target) >= 0 ? "Reason *" : "Reason";
    }
    var label = document.getElementById("bulk-count");
    if (label) { label.textContent = count ? count + " selected" : "Select rows to act on them"; }
  }

  // --- suggestions that fill a form field ---------------------------------------------
  // A button with data-fill-field="name" data-fill-value="v" (and the form's id
  // in data-fill-form) sets that field of the form, as if the person chose it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill-field]") : null;
    if (!button) { return; }
    var form = document.getElementById(button.getAttribute("data-fill-form") || "object-form");
    var field = form ? form.elements.namedItem(button.getAttribute("data-fill-field")) : null;
    if (!field) { return; }
    field.value = button.getAttribute("data-fill-value");
    field.dispatchEvent(new Event("change", { bubbles: true }));
    button.textContent = "Used";
    button.disabled = true;
  });

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
    // Single-key shortcuts can be turned off (WCAG 2.1.4): the user's preference.
    if (document.body.getAttribute("data-shortcuts") === "off") { return; }
    var key = event.key;
    if (pending === "g") {
      // "g" then a letter: the navigation entry registered with that shortcut.
      pending = null;
      if (/^[a-z]$/.test(key)) { event.preventDefault(); follow('[data-shortcut="g ' + key + '"]'); }
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
      case "n": {
        // The page's own "new" button, else the first entry of the user's
        // "new" menu, named on <body>.
        var button = document.querySelector("[data-shortcut='n']");
        var url = button ? button.getAttribute("href") : document.body.getAttribute("data-new-url");
        if (url) { event.preventDefault(); window.location.href = url; }
        break;
      }
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
