/* Registration entry form: show only the section of the chosen channel.
   Progressive enhancement: without JavaScript every section stays visible and the server
   uses only the chosen channel's fields. Loaded as a file (no inline script), so a strict
   Content-Security-Policy can forbid inline scripts. */
(function () {
  "use strict";
  var select = document.querySelector("[data-channel-select]");
  if (!select) { return; }
  var sections = document.querySelectorAll("[data-channel-section]");
  var hints = document.querySelectorAll("[data-nojs-hint]");
  function update() {
    var chosen = select.value;
    Array.prototype.forEach.call(sections, function (section) {
      section.hidden = Boolean(chosen) && section.getAttribute("data-channel-section") !== chosen;
    });
  }
  Array.prototype.forEach.call(hints, function (hint) { hint.hidden = true; });
  select.addEventListener("change", update);
  update();
}());
