// Present mode: ask for the poll's chart every few seconds and draw it in place, so the room
// sees answers arrive without the page reloading. Without this script the page reloads itself.
(function () {
  "use strict";
  var chart = document.getElementById("chart");
  if (!chart || !window.fetch) { return; }
  // A full-screen button, where the browser can do it (F11 does the same without a script).
  var leave = document.querySelector(".leave");
  if (leave && document.documentElement.requestFullscreen) {
    var full = document.createElement("button");
    full.type = "button";
    full.className = "secondary";
    full.textContent = "Full screen";
    full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
    leave.appendChild(document.createTextNode(" "));
    leave.appendChild(full);
  }
  var every = Math.max(2, parseInt(chart.getAttribute("data-every"), 10) || 4) * 1000;
  var url = chart.getAttribute("data-results");
  var last = "";
  function ask() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (results) {
        if (results && results.html !== last) {
          last = results.html;
          chart.innerHTML = results.html;
        }
      })
      .catch(function () { /* the next turn asks again */ })
      .then(function () { window.setTimeout(ask, every); });
  }
  window.setTimeout(ask, every);
}());
