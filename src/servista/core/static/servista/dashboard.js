// Servista dashboards: each [data-chart] box is drawn with the vendored
// ECharts from its JSON block ({kind, labels, series: [{name, values, urls,
// color}]}); a click on a bar or a point opens the list behind it. The same
// figures, with their links, are in the table under each chart.
(function () {
  "use strict";

  function draw(box) {
    var holder = document.getElementById(box.getAttribute("data-chart"));
    if (!holder || !window.echarts) { return; }
    var spec = JSON.parse(holder.textContent);
    var chart = echarts.init(box);
    var horizontal = spec.kind === "hbar";
    var categories = { type: "category", data: spec.labels,
                       axisLabel: { interval: 0, rotate: horizontal ? 0 : (spec.labels.length > 8 ? 35 : 0) } };
    var values = { type: "value", minInterval: 1 };
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: spec.series.length > 1 ? { top: 0, data: spec.series.map(function (s) { return s.name; }) } : undefined,
      grid: { left: horizontal ? 140 : 48, right: 24, bottom: spec.labels.length > 8 ? 80 : 40,
              top: spec.series.length > 1 ? 36 : 16 },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? Object.assign({ inverse: true }, categories) : values,
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.values,
                 itemStyle: s.color ? { color: s.color } : undefined, cursor: "pointer" };
      })
    });
    chart.on("click", function (event) {
      var serie = spec.series[event.seriesIndex];
      var url = serie && serie.urls ? serie.urls[event.dataIndex] : null;
      if (url) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
