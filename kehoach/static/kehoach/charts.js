/* kehoach: draws every <canvas data-chart="id"> from the JSON in <script id="id"> with the
   vendored Chart.js (static/vendor/chartjs). The data comes from the view; nothing is fetched. */
(function () {
  function draw(canvas) {
    if (canvas.dataset.drawn) return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    var spec = JSON.parse(source.textContent);
    canvas.dataset.drawn = "1";
    var scales = { y: { beginAtZero: true } };
    if (spec.stacked) { scales.x = { stacked: true }; scales.y.stacked = true; }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, spanGaps: false,
        scales: scales, plugins: { legend: { position: "bottom" } }
      }
    });
  }
  function drawAll() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
