// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  var locate = document.getElementById("use-location");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      var status = document.getElementById("location-status");
      status.textContent = status.dataset.busy;
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
        status.textContent = status.dataset.ok;
      }, function () { status.textContent = status.dataset.fail; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  } else if (locate) {
    locate.hidden = true;
  }

  var print = document.getElementById("print-receipt");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  // Show the real-name fields only when the reporter chose to give a name.
  var realName = document.querySelector(".real-name");
  var choices = document.querySelectorAll("input[name=identity]");
  function sync() {
    var chosen = document.querySelector("input[name=identity]:checked");
    if (realName) { realName.hidden = !(chosen && chosen.value === "real_name"); }
  }
  choices.forEach(function (c) { c.addEventListener("change", sync); });
  if (choices.length) { sync(); }

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
