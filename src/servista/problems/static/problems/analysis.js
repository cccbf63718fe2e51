// Servista problem management: the trend and Pareto charts of the analysis
// page, drawn with the vendored ECharts from the data the page holds in a
// <script type="application/json"> block. The same figures are in the tables
// below the charts (for screen readers and without JavaScript).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("analysis-data");
    if (!holder || !window.echarts) { return; }
    var data = JSON.parse(holder.textContent);
    var pareto = document.getElementById("pareto-chart");
    if (pareto && data.pareto) {
      var chart = echarts.init(pareto);
      chart.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis" },
        legend: { data: ["Incidents", "Cumulative %"] },
        grid: { left: 48, right: 48, bottom: 96 },
        xAxis: { type: "category", data: data.pareto.labels,
                 axisLabel: { rotate: 35, interval: 0 } },
        yAxis: [{ type: "value", name: "Incidents" },
                { type: "value", name: "%", max: 100 }],
        series: [
          { name: "Incidents", type: "bar",
            data: data.pareto.counts.map(function (count, i) {
              return { value: count,
                       itemStyle: { color: data.pareto.vital[i] ? "#c0392b" : "#7f8c8d" } };
            }) },
          { name: "Cumulative %", type: "line", yAxisIndex: 1, data: data.pareto.cumulative,
            markLine: { silent: true, data: [{ yAxis: 80 }] } }
        ]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var trend = document.getElementById("trend-chart");
    if (trend && data.trend) {
      var lines = echarts.init(trend);
      lines.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "axis" },
        legend: { type: "scroll" },
        grid: { left: 48, right: 24, bottom: 48 },
        xAxis: { type: "category", data: data.trend.periods },
        yAxis: { type: "value", name: "Incidents" },
        series: data.trend.series.map(function (s) {
          return { name: s.name, type: "line", data: s.data };
        })
      });
      window.addEventListener("resize", function () { lines.resize(); });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
