/*
 * The guide's search box stays Material's; its worker is started through
 * javascripts/search-worker.js, which prepares each query in front of lunr (typos, words
 * found nowhere) and then runs Material's worker unchanged.
 * Deferred, after the theme's bundle: the bundle starts its worker once the document is
 * loaded, so Worker is wrapped by then. Any other worker starts as it would.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var Native = window.Worker;
  if (!script || !Native || !window.URL) { return; }
  var own = new URL("search-worker.js", script.src);

  function GuideWorker(url, options) {
    var target = new URL(String(url), document.baseURI);
    if (!/\/workers\/search\.[^/]*\.js$/.test(target.pathname)) {
      return new Native(url, options);
    }
    var worker = new URL(own.href);
    worker.searchParams.set("material", target.href);
    return new Native(worker.href, options);
  }
  GuideWorker.prototype = Native.prototype;
  window.Worker = GuideWorker;
}());
