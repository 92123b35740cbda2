/*
 * This browser's own situation, in the articles it concerns (site_app/situation/):
 * each `[data-situation-for="mail|block|link"]` element of the page is filled from
 * GET /api/situation (the app, same origin, never cached) and marked
 * `data-situation="KIND"` (mail-queued, mail-sent, mail-refused, blocked, link-expired,
 * link-replaced, link-used, link-invalid), or `data-situation="none"` and left hidden.
 *
 * No layout shift: the page's inline head script reads the `help_situation` cookie (which
 * kinds of situation the session holds, nothing more) before the first paint and the
 * stylesheet keeps room for those elements only; the others stay hidden, as without
 * script. The values (address, times, the server's reply) go into <bdi>, so they keep their
 * direction inside Arabic; everything is text (textContent), never HTML.
 */
(function () {
  "use strict";

  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-situation-for]"));
  if (!boxes.length) { return; }

  function none(box) {
    box.setAttribute("data-situation", "none");
    box.classList.remove("is-filled");
  }

  function line(runs) {
    var paragraph = document.createElement("p");
    runs.forEach(function (run) {
      if (typeof run === "string") {
        paragraph.appendChild(document.createTextNode(run));
      } else if (run && typeof run.bdi === "string") {
        var value = document.createElement("bdi");
        value.textContent = run.bdi;
        paragraph.appendChild(value);
      }
    });
    return paragraph;
  }

  function fill(box, part) {
    var title = document.createElement("p");
    title.className = "admonition-title";
    title.textContent = part.title;
    var content = [title];
    (part.lines || []).forEach(function (runs) { content.push(line(runs)); });
    if (part.link && /^\/[^/]/.test(part.link.href)) {
      var link = document.createElement("a");
      link.href = part.link.href;
      link.textContent = part.link.text;
      var last = document.createElement("p");
      last.appendChild(link);
      content.push(last);
    }
    box.replaceChildren.apply(box, content);
    box.setAttribute("data-situation", part.kind);
    box.classList.add("is-filled");
  }

  if (!window.fetch) { boxes.forEach(none); return; }
  var lang = document.documentElement.lang || "";
  fetch("/api/situation?in=" + encodeURIComponent(lang), {
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json" }
  })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (state) {
      boxes.forEach(function (box) {
        var part = state && state[box.getAttribute("data-situation-for")];
        if (part && part.kind) { fill(box, part); } else { none(box); }
      });
    })
    .catch(function () { boxes.forEach(none); })
    .then(function () { document.documentElement.classList.add("help-situation--done"); });
}());
