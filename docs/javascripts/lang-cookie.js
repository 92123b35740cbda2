/*
 * Remember the language chosen in the guide's language switcher, so the
 * account app (same origin) follows it. External file: the app's CSP forbids
 * inline scripts.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a.md-select__link[hreflang]") : null;
    if (!link) {
      return;
    }
    var code = link.getAttribute("hreflang");
    if (!/^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(code)) {
      return;
    }
    document.cookie = "lang=" + code + "; path=/; max-age=31536000; samesite=lax";
  });
})();
