/* The door page, once scripts run: the arrivals count kept live, and where the browser can read
   QR codes (BarcodeDetector), a camera scan of a confirmation's code that checks the person in.
   Without it the page works as it is: search by name and tap Check in. */
(function () {
  "use strict";
  var arrivals = document.getElementById("arrivals");
  function show(counts) {
    document.getElementById("attended").textContent = counts.attended;
    document.getElementById("confirmed").textContent = counts.confirmed;
  }
  if (arrivals && window.fetch) {
    setInterval(function () {
      fetch(arrivals.dataset.countUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (counts) { if (counts) { show(counts); } })
        .catch(function () {});
    }, 5000);
  }
  var scan = document.getElementById("scan");
  if (!scan || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  scan.hidden = false;
  var video = document.getElementById("scan-video");
  var result = document.getElementById("scan-result");
  var detector = new window.BarcodeDetector({formats: ["qr_code"]});
  var busy = false;
  var last = "";
  function checkIn(code) {
    busy = true;
    var body = new URLSearchParams({token: code});
    fetch(scan.dataset.checkinUrl, {method: "POST", credentials: "same-origin", body: body,
      headers: {"Accept": "application/json", "X-CSRF-Token": scan.dataset.csrf}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (answer) {
        if (answer.ok) {
          var who = answer.data.name || answer.data.email;
          result.textContent = answer.data.status === "checked_in" ? who + " is checked in." : who + " was already checked in.";
          show(answer.data.counts);
        } else {
          var errors = answer.data.errors || {};
          result.textContent = Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || "That code could not be used.";
        }
      })
      .catch(function () { result.textContent = "No connection: try again, or search by name."; })
      .then(function () { setTimeout(function () { busy = false; }, 1500); });
  }
  function look() {
    if (video.readyState >= 2 && !busy) {
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue !== last) { last = codes[0].rawValue; checkIn(last); }
      }).catch(function () {});
    }
    requestAnimationFrame(look);
  }
  document.getElementById("scan-start").addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      result.textContent = "Point the camera at the code.";
      requestAnimationFrame(look);
    }).catch(function () { result.textContent = "The camera could not be used: search by name instead."; });
  });
}());
