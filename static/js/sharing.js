/* Files and guest links: the "Copy" button next to a new guest link's address.
   Without JavaScript the address stays a selectable, read-only text field. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.querySelector("[data-copy-status]");
    if (!input) { return; }
    button.hidden = false;
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      var done = function () {
        if (status) { status.textContent = button.getAttribute("data-copied-text"); }
      };
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();

/* Upload progress (progressive enhancement): a form with [data-upload-progress] is sent with
   XMLHttpRequest so a <progress> bar can follow the bytes. The server answers as to a plain
   form post: after the redirect the browser opens the page it points to; a page with errors
   replaces this one. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = form.querySelector("[data-progress]");
    if (!box || !window.FormData) { return; }
    var bar = box.querySelector("progress");
    var label = box.querySelector("[data-progress-label]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round(e.loaded * 100 / e.total);
        bar.value = percent;
        label.textContent = label.getAttribute("data-template").replace("{n}", String(percent));
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.location.assign(xhr.responseURL);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        document.title = doc.title;
        document.body.replaceWith(document.importNode(doc.body, true));
      });
      xhr.addEventListener("error", function () { form.submit(); });
      xhr.send(new FormData(form));
    });
  });
})();
