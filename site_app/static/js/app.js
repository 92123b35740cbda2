/* Small enhancements; every page works without them. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  /* Show-password buttons next to password fields. */
  document.querySelectorAll(".show-password").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", String(show));
      button.textContent = show ? button.dataset.hide : button.dataset.show;
    });
  });

  /* A form sent back with an error: its first field in error gets the focus, in view,
     wherever the form is on the page (the delete-account form is far below the top). */
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus({ preventScroll: true });
  }

  /* The blocked page's live countdown (B2). */
  document.querySelectorAll("[data-countdown-until]").forEach(function (node) {
    var until = parseInt(node.dataset.countdownUntil, 10) * 1000;
    /* Western digits in every language, as the app's other numbers (ar-u-nu-latn), and
       minutes and seconds joined as the language joins a list (« 4 minutes et 5 secondes »,
       «4 دقائق و5 ثوانٍ»). */
    var lang = document.documentElement.lang + "-u-nu-latn";
    function format(seconds) {
      var minutes = Math.floor(seconds / 60), rest = seconds % 60;
      var parts = [];
      try {
        if (minutes) { parts.push(new Intl.NumberFormat(lang, { style: "unit", unit: "minute", unitDisplay: "long" }).format(minutes)); }
        if (rest || !minutes) { parts.push(new Intl.NumberFormat(lang, { style: "unit", unit: "second", unitDisplay: "long" }).format(rest)); }
        return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(parts);
      } catch (e) { return minutes + ":" + String(rest).padStart(2, "0"); }
    }
    var value = node.querySelector(".countdown-value");
    function tick() {
      var left = Math.max(0, Math.round((until - Date.now()) / 1000));
      if (left === 0) { node.textContent = node.dataset.done; clearInterval(timer); return; }
      if (value) { value.textContent = format(left); }
    }
    var timer = setInterval(tick, 1000);
    node.setAttribute("aria-live", "off");
  });
}());
