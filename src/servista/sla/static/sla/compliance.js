// Servista service levels: the compliance chart (percent met as bars,
// breaches as a line), drawn with the vendored ECharts from the figures the
// page holds in a <script type="application/json"> block; the table below
// the chart has the same figures.
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("compliance-data");
    var box = document.getElementById("compliance-chart");
    if (!holder || !box || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    var chart = echarts.init(box);
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { data: ["Met %", "Breached"] },
      grid: { left: 48, right: 48, bottom: 96 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 35, interval: 0 } },
      yAxis: [{ type: "value", name: "Met %", max: 100 }, { type: "value", name: "Breached" }],
      series: [
        { name: "Met %", type: "bar", data: data.percent_met,
          itemStyle: { color: "#2e7d32" } },
        { name: "Breached", type: "line", yAxisIndex: 1, data: data.breached,
          itemStyle: { color: "#c0392b" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
