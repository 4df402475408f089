// Progressive enhancement: a [data-print] button (hidden without JavaScript) prints the page.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
