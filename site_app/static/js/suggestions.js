/*
 * The contact form answers before support must (site_app/situation/suggestions.py): as the
 * person types their message or picks its subject, the three guide paragraphs that best
 * answer it are listed in [data-suggestions], in the page's language, found by the guide's
 * own search — its worker (javascripts/search-worker.js in front of Material's) on the
 * language's search_index.json, the same code and answers as the guide's search box.
 * "This answered my question" is counted (POST /api/contact/answered) and ends the visit
 * there; sending the message works as before, with or without this script.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-suggestions]");
  var form = document.querySelector("form[data-contact-form]");
  if (!box || !form || !window.Worker || !window.fetch) { return; }
  var message = form.querySelector("textarea[name=message]");
  var topic = form.querySelector("select[name=topic]");
  var list = box.querySelector("[data-suggestions-list]");
  var thanks = document.querySelector("[data-answered-thanks]");
  var root = new URL(box.dataset.root, window.location.href);
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var worker = null, ready = null, pending = null, asked = "", timer = null;

  function start() {
    if (ready) { return ready; }
    ready = fetch(box.dataset.index, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (index) {
        return new Promise(function (resolve) {
          worker = new Worker(box.dataset.worker);
          worker.addEventListener("message", function (event) {
            var type = event.data && event.data.type;
            if (type === READY) { resolve(); }
            if (type === RESULT && pending) { pending(event.data.data); pending = null; }
          });
          worker.postMessage({ type: SETUP, data: {
            config: index.config, docs: index.docs, options: { suggest: false } } });
        });
      });
    return ready;
  }

  /* The results in the order the guide's search box shows them (tests/search_node.js,
     readingOrder): per page, the page first when it scores best, then its sections as good
     as the first, the others after every page. Only paragraphs (sections), three at most. */
  function paragraphs(items) {
    var visible = [], hidden = [];
    (items || []).slice(0, 10).forEach(function (group) {
      var threshold = group[0].score;
      var docs = group.slice();
      var parent = docs.findIndex(function (doc) { return doc.location.indexOf("#") === -1; });
      if (parent !== -1) { docs.splice(parent, 1); }
      var cut = docs.findIndex(function (doc) { return doc.score < threshold; });
      if (cut === -1) { cut = docs.length; }
      docs.forEach(function (doc, n) { (n < cut ? visible : hidden).push(doc); });
    });
    return visible.concat(hidden).filter(function (doc) { return doc.score > 0; }).slice(0, 3);
  }

  function text(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html; /* detached: nothing runs, images are not fetched */
    return (holder.textContent || "").trim();
  }

  function show(docs) {
    list.replaceChildren();
    docs.forEach(function (doc, number) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(doc.location, root).href;
      link.id = "suggestion-" + number;
      link.textContent = text(doc.title);
      var answered = document.createElement("button");
      answered.type = "button";
      answered.className = "button secondary";
      answered.textContent = box.dataset.answeredLabel;
      answered.setAttribute("aria-describedby", link.id);
      answered.addEventListener("click", function () { answer(doc.location); });
      item.append(link, " ", answered);
      list.appendChild(item);
    });
    box.hidden = docs.length === 0;
  }

  function answer(location) {
    fetch("/api/contact/answered", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ lang: box.dataset.lang, page: location, topic: topic ? topic.value : "" })
    }).catch(function () {});
    form.hidden = true;
    box.hidden = true;
    if (thanks) { thanks.hidden = false; thanks.focus(); }
  }

  /* The subject counts once the person picked it (not the one the page preselected). */
  var picked = false;

  function query() {
    var label = picked && topic.value !== "other" ? topic.options[topic.selectedIndex].text : "";
    return (label + " " + message.value).replace(/\s+/g, " ").trim().slice(0, 300);
  }

  function search() {
    var words = query();
    if (words === asked) { return; }
    asked = words;
    if (words.length < 3) { show([]); return; }
    start().then(function () {
      return new Promise(function (resolve) {
        pending = resolve;
        worker.postMessage({ type: QUERY, data: words });
      });
    }).then(function (result) {
      if (words === asked) { show(paragraphs(result && result.items)); }
    }).catch(function () { show([]); });
  }

  function soon() { clearTimeout(timer); timer = setTimeout(search, 400); }
  message.addEventListener("input", soon);
  if (topic) { topic.addEventListener("change", function () { picked = true; soon(); }); }
  if (message.value.trim()) { soon(); }
}());
