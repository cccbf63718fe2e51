// Servista: accessibility behaviour (WCAG 2.2 AA) that the pages share.
// - the action dialog gives focus back to the button that opened it;
// - a list filtered or sorted in place says how many results it now shows
//   (the page's polite live region, #live-status).
(function () {
  "use strict";

  var opener = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.id === "action-modal-content") {
      var elt = event.detail.elt;
      if (elt && elt.closest && !elt.closest("#action-modal")) { opener = elt; }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var modal = document.getElementById("action-modal");
    if (!modal) { return; }
    modal.addEventListener("hidden.bs.modal", function () {
      if (opener && document.body.contains(opener)) { opener.focus(); }
      opener = null;
    });
  });

  function announce(text) {
    var region = document.getElementById("live-status");
    if (!region || !text) { return; }
    // Emptied first, so that the same text said twice is said again.
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }
  window.servistaAnnounce = announce;

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "results") { return; }
    var count = document.getElementById("results-count");
    if (count) { announce(count.textContent.replace(/\s+/g, " ").trim()); }
  });
})();
