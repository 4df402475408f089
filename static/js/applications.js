// Application form: fill prefecture and city from Japan Post data as the postal code is typed.
// The form works without this script (the "Look up the address" button does the same).
(function () {
  "use strict";
  var form = document.querySelector("form[action$='/apply']");
  if (!form) { return; }
  var postal = form.querySelector("#postal_code");
  var prefecture = form.querySelector("#prefecture");
  var city = form.querySelector("#city");
  var line1 = form.querySelector("#address_line1");
  var country = form.querySelector("#country");
  var status = document.getElementById("postal-status");
  var last = "";
  function digits(text) {
    return text.replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[^0-9]/g, "");
  }
  function lookup() {
    if (country && country.value !== "JP") { return; }
    var code = digits(postal.value);
    if (code.length !== 7 || code === last) { return; }
    last = code;
    fetch("/apply/postal-code?code=" + code, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.found) { return; }
        prefecture.value = data.prefecture;
        city.value = data.city;
        if (line1 && !line1.value) { line1.value = data.town; }
        if (status) { status.textContent = data.prefecture + data.city + (data.town || ""); }
      })
      .catch(function () { /* the lookup button still works */ });
  }
  postal.addEventListener("input", lookup);
  postal.addEventListener("change", lookup);
})();
