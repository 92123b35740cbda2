/*
 * The guide talks to the account app on the same origin:
 * - "Was this page helpful?" votes and comments → POST /api/feedback;
 * - searches that find nothing → a hint (fewer words, another spelling, the contact page)
 *   and POST /api/search-miss; so do the words of a search that no page has (the search
 *   worker drops them, the others find something);
 * - the header link says « Se connecter » or « Mon compte » from GET /api/session.
 * Every call is optional: when the app does not answer, the page stays as it is.
 * Also: the search dialog gets an accessible name (axe "aria-dialog-name"), the one
 * the theme gives its search field, in the page's language.
 */
(function () {
  "use strict";

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response;
    });
  }

  var lang = document.documentElement.lang || "fr";

  /* Feedback. */
  var form = document.forms["help-feedback"];
  if (form && window.fetch) {
    var page = window.location.pathname;
    var commentBox = form.querySelector(".help-feedback__comment");
    var thanks = form.querySelector(".help-feedback__thanks");
    var failure = form.querySelector(".help-feedback__error");
    var send = function (helpful, comment) {
      failure.hidden = true;
      return post("/api/feedback", { page: page, lang: lang, helpful: helpful, comment: comment })
        .then(function () { return true; })
        .catch(function () { failure.hidden = false; return false; });
    };
    form.querySelectorAll(".help-feedback__vote").forEach(function (button) {
      button.addEventListener("click", function () {
        var helpful = button.getAttribute("data-helpful") === "1" ? 1 : 0;
        form.querySelectorAll(".help-feedback__vote").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        send(helpful, null).then(function (sent) {
          if (!sent) { return; }
          /* After a "no", ask what was missing; thanks come once that is sent. */
          commentBox.hidden = helpful === 1;
          thanks.hidden = helpful !== 1;
          if (!commentBox.hidden) { commentBox.querySelector("textarea").focus(); }
        });
      });
    });
    form.querySelector(".help-feedback__send").addEventListener("click", function () {
      var text = commentBox.querySelector("textarea").value.trim();
      if (!text) { return; }
      send(0, text).then(function (sent) {
        if (sent) { commentBox.hidden = true; thanks.hidden = false; }
      });
    });
    form.hidden = false;
  }

  /* The search dialog's name. */
  var dialog = document.querySelector('.md-search[role="dialog"]');
  var field = document.querySelector(".md-search__input");
  if (dialog && field && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", field.getAttribute("aria-label") || "");
  }

  /* Searches that found nothing: say what to try, and report them. */
  var input = document.querySelector(".md-search__input");
  var results = document.querySelector(".md-search-result__list");
  var meta = document.querySelector(".md-search-result__meta");
  var hintTemplate = document.getElementById("help-search-hint");
  if (input && meta && hintTemplate && window.MutationObserver) {
    var hint = hintTemplate.content.firstElementChild.cloneNode(true);
    var none = hintTemplate.getAttribute("data-none");
    meta.insertAdjacentElement("afterend", hint);
    /* The theme writes its « no results » line into meta once the search is done. */
    new MutationObserver(function () {
      hint.hidden = !(input.value.trim() && meta.textContent.trim() === none);
    }).observe(meta, { childList: true, characterData: true, subtree: true });
  }
  if (input && results && window.fetch) {
    var reported = {};
    var timer = null;
    /* The words of a search that no page has, while the others found something: the
       search worker (javascripts/search-worker.js) drops them and says which. */
    var unknown = {};
    if (window.BroadcastChannel) {
      new BroadcastChannel("help-search").addEventListener("message", function (event) {
        var data = event.data || {};
        if (typeof data.query === "string" && typeof data.unknown === "string") {
          unknown[data.query.trim()] = data.unknown;
        }
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        var missed = results.children.length > 0 ? unknown[query] || "" : query;
        if (missed.length < 3 || reported[missed]) { return; }
        reported[missed] = true;
        post("/api/search-miss", { query: missed.slice(0, 200), lang: lang }).catch(function () {});
      }, 1500);
    });
  }

  /* Signed in or not. */
  var account = document.querySelector(".help-account__link");
  if (account && window.fetch) {
    fetch("/api/session", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.signed_in === false) {
          account.textContent = account.getAttribute("data-signed-out-label");
          account.setAttribute("href", account.getAttribute("data-signed-out-href"));
        }
      })
      .catch(function () {});
  }
}());
