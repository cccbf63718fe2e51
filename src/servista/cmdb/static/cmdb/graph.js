// The graph around a configuration item (Cytoscape.js): the items within the
// chosen depth and their relationships, read from the page's graph URL. A
// click on an item centres the graph on it (its neighbourhood is loaded); a
// double-click opens its page.
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("ci-graph");
    if (!box || typeof window.cytoscape !== "function") return;
    var depthSelect = document.getElementById("ci-graph-depth");
    var centreLabel = document.getElementById("ci-graph-centre");
    var baseUrl = box.dataset.graphUrl;       // /cis/<id>/graph/
    var centre = box.dataset.ci;

    var cy = window.cytoscape({
      container: box,
      wheelSensitivity: 0.3,
      style: [
        {selector: "node", style: {
          "label": "data(label)", "font-size": 10, "text-valign": "bottom",
          "text-margin-y": 3, "background-color": "#6c757d", "width": 18, "height": 18}},
        {selector: "node[?service]", style: {"background-color": "#0d6efd", "shape": "round-rectangle"}},
        {selector: "node.centre", style: {"background-color": "#dc3545", "width": 26, "height": 26}},
        {selector: "edge", style: {
          "width": 1.5, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)",
          "font-size": 8, "text-rotation": "autorotate", "color": "#6c757d"}}
      ]
    });

    function urlFor(id) {
      return baseUrl.replace(/\/\d+\/graph\/$/, "/" + id + "/graph/") +
        "?depth=" + encodeURIComponent(depthSelect ? depthSelect.value : "2");
    }

    function load(id) {
      box.dataset.state = "loading";
      fetch(urlFor(id), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (graph) {
          centre = String(graph.centre);
          cy.elements().remove();
          cy.add(graph.nodes.concat(graph.edges));
          cy.$id(centre).addClass("centre");
          cy.layout({name: "breadthfirst", roots: cy.$id(centre), directed: false,
                     circle: true, spacingFactor: 1.1, animate: false}).run();
          box.dataset.centre = centre;
          box.dataset.nodes = String(graph.nodes.length);
          box.dataset.state = "ready";
          var node = cy.$id(centre);
          if (centreLabel) centreLabel.textContent = "Centred on " + node.data("label") + ".";
        })
        .catch(function () { box.dataset.state = "error"; });
    }

    cy.on("tap", "node", function (event) {
      var id = event.target.id();
      if (id !== centre) load(id);
    });
    cy.on("dbltap", "node", function (event) {
      window.location.href = event.target.data("url");
    });
    if (depthSelect) depthSelect.addEventListener("change", function () { load(centre); });
    // For tests and keyboard users: the nodes are also reachable by id.
    box.cy = cy;
    load(centre);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
