// Slide upload with progress: ask the console for a policy bound to this file (its name, type
// and size), then send the file straight to the bucket and show how far it has got. Without
// this script the form posts the file to the bucket itself, and S3 sends the browser back.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.fetch) { return; }
  var input = document.getElementById("file");
  var error = document.getElementById("file-error");
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("progress");
  var button = form.querySelector("button[type=submit]");

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "file-error file-hint");
    box.hidden = true;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }  // the browser's own check says what to do
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    fetch(form.getAttribute("data-start"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRF-Token": form.getAttribute("data-csrf") },
      body: JSON.stringify({ filename: file.name, content_type: file.type, size: file.size })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        var errors = answer.body.errors || {};
        var messages = Object.keys(errors).map(function (name) { return errors[name]; });
        fail(messages.join(" ") || "The upload could not start; reload the page and try again.");
        return;
      }
      var data = new FormData();
      Object.keys(answer.body.fields).forEach(function (name) { data.append(name, answer.body.fields[name]); });
      data.append("file", file);
      var request = new XMLHttpRequest();
      request.open("POST", answer.body.upload_url);
      box.hidden = false;
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.round(100 * progress.loaded / progress.total);
          bar.value = percent;
          bar.textContent = percent + "%";
        }
      });
      request.addEventListener("load", function () {
        if (request.status >= 200 && request.status < 300) {
          bar.value = 100;
          window.location.reload();
        } else {
          fail("The bucket refused the file (" + request.status + "); reload the page and try again.");
        }
      });
      request.addEventListener("error", function () { fail("The upload stopped; check your connection and try again."); });
      request.send(data);
    }).catch(function () { fail("The upload could not start; check your connection and try again."); });
  });
}());
