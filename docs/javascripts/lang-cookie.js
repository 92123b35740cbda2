/*
 * The guide's language switcher:
 * - remembers the chosen language in the `lang` cookie, so the account app (same
 *   origin) follows it. The cookie is HttpOnly (no script may read or write it): the
 *   app's `/language/<code>` sets it, asked in the background before the page changes;
 *   when the app does not answer (a preview without it), the page changes all the same;
 * - keeps the reader's paragraph: the link to the same page in the other language
 *   gets the current #fragment (heading ids are the same in every language).
 * Runs before the theme's own handler, which would look the page up in the
 * sitemap and drop the fragment. External file: the app's CSP forbids inline scripts.
 */
(function () {
  "use strict";

  /* Ask the app to set the cookie; resolves whatever happens, within two seconds. */
  function rememberLanguage(code) {
    if (!window.fetch) {
      return Promise.resolve();
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 2000) : null;
    return fetch("/language/" + code, {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    }).catch(function () {}).then(function () { clearTimeout(timer); });
  }

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
    if (window.location.hash && link.hash !== window.location.hash) {
      link.hash = window.location.hash;
    }
    event.stopPropagation();
    var remembered = rememberLanguage(code);
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; /* a new tab or window: the browser opens it; the cookie follows */
    }
    event.preventDefault();
    remembered.then(function () { window.location.assign(link.href); });
  }, true);
})();
