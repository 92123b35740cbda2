/*
 * The guide's search outside the browser: the built site's own worker files (Material's
 * search worker behind javascripts/search-worker.js), run by Node in a worker-like global
 * on a language's search_index.json, read in the order the search box shows them.
 *
 *   node tests/search_node.js SITE LANG_ROOT [--matching] < queries.json > answers.json
 *
 * The worker is the one the language's home page starts (its __config's "search"): the
 * guide's, or Material's alone in a guide built with the theme's default search.
 * SITE is the built guide, LANG_ROOT a language's folder in it ("" or "en/"); queries.json
 * a JSON list of strings; answers.json, for each query, the results' locations in reading
 * order (see READ_RESULTS_JS in tests/search_support.py, which reads the same from the page:
 * tests/test_search.py checks that both agree). With --matching, each answer is
 * {"links": […], "matching": true|false}: whether a word of the query, split as Material
 * splits it (the index's separator), lowercased, with or without its accents, starts a word
 * of the index (such a query must never find nothing).
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const ORIGIN = "http://guide.invalid/";
const args = process.argv.slice(2);
const matchingMode = args.includes("--matching");
const [site, root = ""] = args.filter(arg => arg !== "--matching");

function file(url) {
  const { pathname } = new URL(url);
  return path.join(site, decodeURIComponent(pathname));
}

/* A worker's global: what Material's worker and ours use. */
function worker(script) {
  const listeners = [];
  let answer = null;
  const location = new URL(script);
  const global = {
    console, URL, setTimeout, clearTimeout,
    location,
    addEventListener: (type, fn) => { if (type === "message") { listeners.push(fn); } },
    postMessage: message => { if (answer) { answer(message); } },
    importScripts: (...urls) => {
      for (const url of urls) {
        const target = new URL(url, location);
        vm.runInContext(fs.readFileSync(file(target), "utf-8"), global, { filename: target.href });
      }
    },
  };
  global.self = global;
  vm.createContext(global);
  global.importScripts(script);
  /* The index lunr builds, whichever worker runs it. */
  const built = {};
  const build = global.lunr.Builder.prototype.build;
  global.lunr.Builder.prototype.build = function () {
    built.index = build.apply(this, arguments);
    return built.index;
  };
  const send = message => new Promise(resolve => {
    answer = resolve;
    for (const fn of listeners) { fn({ data: message }); }
  });
  return { send, built, lunr: global.lunr };
}

/* Whether a word of ``query`` (Material's split) starts a word of the index. */
function matching(query, separator, lunr, index) {
  const fold = text => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  return query.split(new RegExp(separator)).filter(Boolean).some(piece => {
    const word = piece.toLowerCase();
    return word.length > 1 && [word, fold(word)].some(form =>
      index.tokenSet.intersect(lunr.TokenSet.fromString(form + "*")).toArray().length > 0);
  });
}

/* renderSearchResultItem (Material's templates/search) and READ_RESULTS_JS, for one result. */
function readingOrder(items) {
  const visible = [];
  const hidden = [];
  for (const result of items.slice(0, 10)) {  /* the first ten groups, rendered at once */
    const threshold = result[0].score;
    const docs = [...result];
    const parent = docs.findIndex(doc => !doc.location.includes("#"));
    const [article] = docs.splice(parent, 1);
    let index = docs.findIndex(doc => doc.score < threshold);
    if (index === -1) { index = docs.length; }
    const score = doc => parseFloat(doc.score.toFixed(2));
    const links = [article, ...docs].map(score);
    const best = Math.max(...links);
    if (score(article) > 0 && score(article) >= best) { visible.push(article.location); }
    docs.forEach((doc, n) => (n < index ? visible : hidden).push(doc.location));
  }
  return visible.concat(hidden);
}

/* The worker the language's home page starts: its __config's "search", from the page. */
function pageWorker() {
  const home = new URL(root, ORIGIN);
  const html = fs.readFileSync(file(new URL("index.html", home)), "utf-8");
  const config = JSON.parse(html.match(/<script id="__config"[^>]*>([\s\S]*?)<\/script>/)[1]);
  return new URL(config.search, home).href;
}

async function main() {
  const { send, built, lunr } = worker(pageWorker());
  const data = JSON.parse(fs.readFileSync(path.join(site, root, "search/search_index.json")));
  /* What Material's bundle sends: the index, and no suggestions (search.suggest is off). */
  const options = { suggest: false };
  await send({ type: 0, data: { config: data.config, docs: data.docs, options } });
  const queries = JSON.parse(fs.readFileSync(0, "utf-8"));
  const answers = [];
  for (const query of queries) {
    const { data: result } = await send({ type: 2, data: query });
    const links = readingOrder(result.items);
    answers.push(matchingMode ?
      { links, matching: matching(query, data.config.separator, lunr, built.index) } : links);
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch(error => { console.error(error); process.exit(1); });
