/*
 * How the guide's search worker (javascripts/search-worker.js) orders Material's results
 * for a query it prepared, in the reader's browser like the rest.
 *
 * Each result is scored again:
 * - each query word counts for how rare it is in the guide (idf) times the best field it
 *   is in: the heading, its synonyms and the topic's keywords (5), the app's strings for
 *   the topic (2), the text (1), half as much when it only starts a longer word there;
 * - more when the heading (or the topic's keywords, the app's strings) has the words as
 *   typed, whole: « supprimé » is « Compte supprimé », not « Supprimer le compte »;
 * - more when the query is one of the topic's keywords (the editors' intent), and for help
 *   topics (the index's boost, help_search.py);
 * - lunr's own score only parts ties.
 * Material then shows the results as always, page by page; the sections nearly as good as
 * their page's best are shown beside it instead of folded under "N more on this page".
 *
 * Loaded by search-worker.js (importScripts), which gives it its splitting functions and
 * the lunr index Material builds.
 */
self.guideSearchRanking = function (tools) {
  "use strict";

  /* What a query word is worth in each field (any other field is text: 1). */
  var LEVEL = { title: 5, keywords: 5, topic: 5, app: 2 };
  /* A word the index has only as the start of a longer one (« simpl » of « simplement »). */
  var PREFIX = 0.5;
  /* A word found as typed, whole, in the heading (1), the topic's keywords or app strings,
     the heading's synonyms. */
  var EXACT_IN = { title: 1, topic: 0.5, app: 0.5, keywords: 0.25 };
  var EXACT = 0.25;
  /* A query that is one of the topic's keywords (two words or more), nothing else. */
  var KEYWORD = 1.5;
  /* Sections scoring this share of their page's best one are shown beside it. */
  var NEAR = 0.7;

  var keywordsOf = {}; /* location → its topic's keywords of two words or more, as indexed */
  var wholeWords = {}; /* location → its words as typed (EXACT_IN fields) → their weight */

  function remember(docs, separator) {
    docs.forEach(function (doc) {
      keywordsOf[doc.location] = String(doc.topic || "").split("\n").map(function (line) {
        return tools.split(line, separator).map(function (w) { return w.toLowerCase(); });
      }).filter(function (tokens) { return tokens.length > 1; });
      var own = {};
      Object.keys(EXACT_IN).forEach(function (name) {
        tools.words(String(doc[name] || "").replace(/<[^>]*>/g, " ")).forEach(function (w) {
          own[w] = Math.max(own[w] || 0, EXACT_IN[name]);
        });
      });
      wholeWords[doc.location] = own;
    });
  }

  /* For one query word: location → the best level of the fields its tokens are in. */
  function postings(word) {
    var where = {};
    word.tokens.forEach(function (token) {
      var entry = tools.index().invertedIndex[token] || {};
      var whole = word.search.indexOf(token) !== -1;
      Object.keys(entry).forEach(function (name) {
        if (name === "_index") { return; }
        var level = (LEVEL[name] || 1) * (whole ? 1 : PREFIX);
        Object.keys(entry[name]).forEach(function (ref) {
          where[ref] = Math.max(where[ref] || 0, level);
        });
      });
    });
    return where;
  }

  /* Whether ``words`` are the words of a keyword (``tokens``): all of them, no others. */
  function says(words, tokens) {
    var matches = function (token, word) {
      return word.search.some(function (form) { return token.indexOf(form) === 0; });
    };
    return words.length === tokens.length && tokens.every(function (token) {
      return words.some(function (word) { return matches(token, word); });
    }) && words.every(function (word) {
      return tokens.some(function (token) { return matches(token, word); });
    });
  }

  /* Material's result groups, ordered as described at the top, then grouped again. */
  function rank(groups, query) {
    if (!query.words.length) { return groups; }
    query.units = query.units || query.words.map(function (_, n) { return [n]; });
    var found = query.words.map(postings);
    var total = Object.keys(wholeWords).length;
    var idf = found.map(function (where) {
      return Math.log(1 + total / Math.max(1, Object.keys(where).length));
    });
    var items = [].concat.apply([], groups);
    items.forEach(function (item) {
      if (!(item.score > 0)) { return; }
      var own = wholeWords[item.location] || {};
      var sum = 0;
      var whole = 0;
      query.units.forEach(function (unit) {
        unit.forEach(function (n) {
          var word = query.words[n];
          var level = found[n][item.location] || 0;
          sum += idf[n] * (word.weak ? Math.min(level, 1) : level) / unit.length;
          whole += Math.max.apply(null, [0].concat(word.typed.map(function (w) {
            return own[w] || 0;
          }))) / unit.length;
        });
      });
      if ((keywordsOf[item.location] || []).some(function (tokens) {
        return says(query.words, tokens);
      })) { sum *= KEYWORD; }
      /* Material's score (lunr's) only parts ties. */
      item.score = sum * (1 + EXACT * whole / query.units.length) * (item.boost || 1) * 1e4 +
        Math.min(item.score, 1e4 - 1) / 1e4;
    });
    var pages = new Map();
    items.sort(function (a, b) { return b.score - a.score; }).forEach(function (item) {
      var page = item.location.split("#")[0];
      if (!pages.has(page)) { pages.set(page, []); }
      pages.get(page).push(item);
    });
    /* Material folds the sections of a page below its best one ("2 more on this page"):
       those nearly as good are shown beside it. */
    pages.forEach(function (group) {
      var best = group[0].score;
      group.forEach(function (item) { if (item.score >= NEAR * best) { item.score = best; } });
    });
    return Array.from(pages.values());
  }
  return { remember: remember, rank: rank };
};
