/*
 * The guide's language switcher:
 * - remembers the chosen language in the `lang` cookie, so the account app (same
 *   origin) follows it;
 * - keeps the reader's paragraph: the link to the same page in the other language
 *   gets the current #fragment (heading ids are the same in every language).
 * Runs before the theme's own handler, which would look the page up in the
 * sitemap and drop the fragment. External file: the app's CSP forbids inline scripts.
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
    if (window.location.hash && link.hash !== window.location.hash) {
      link.hash = window.location.hash;
    }
    event.stopPropagation();
  }, true);
})();
