/*
 * How the guide's search worker (javascripts/search-worker.js) orders Material's results
 * for a query it prepared, in the reader's browser like the rest.
 *
 * Each result is scored again:
 * - each query word counts for how rare it is in the guide (idf) times the best field it
 *   is in: the heading, its synonyms and the topic's keywords (5), the app's strings for
 *   the topic (its labels and sentences: 2), the text (1), half as much when it only starts
 *   a longer word there;
 * - more when the heading (or the topic's keywords, the app's strings) has the words as
 *   typed, whole: « supprimé » is « Compte supprimé », not « Supprimer le compte »; a bit
 *   less when only without accents: « demandes » is « Trop de demandes » first, then
 *   « Trop d'e-mails demandés »;
 * - a word that the heading or the topic's keywords only say inside a compound of the
 *   language (« mot de passe », « تسجيل الدخول »), whose other words the query lacks, counts
 *   as text there: « passé » is not « mot de passe », « التسجيل » (signing up) not
 *   « تسجيل الدخول » (signing in);
 * - more when the query is one of the topic's keywords, its heading or one of the app's
 *   labels for it (the editors' intent), and for help topics (the index's boost,
 *   help_search.py);
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
  var LEVEL = { title: 5, keywords: 5, topic: 5, labels: 2, app: 2 };
  /* A word the index has only as the start of a longer one (« simpl » of « simplement »). */
  var PREFIX = 0.5;
  /* Shorter query words count only where the index has them whole. */
  var SHORT = 3;
  /* A word found as typed, whole, in the heading (1), the topic's keywords or app strings,
     the heading's synonyms. */
  var EXACT_IN = { title: 1, topic: 0.5, labels: 0.5, app: 0.5, keywords: 0.25 };
  var EXACT = 0.25;
  /* The same, found only without accents (« demandes » typed: « demandés »). */
  var FOLDED = 0.75;
  /* A query that is the heading or one of the topic's keywords (two words or more),
     nothing else; one of the app's labels for the topic (several topics may share it). */
  var KEYWORD = 1.5;
  var LABEL = 1.25;
  /* Sections scoring this share of their page's best one are shown beside it. */
  var NEAR = 0.7;

  var keywordsOf = {}; /* location → its heading, topic's keywords and app labels of two
                          words or more, as indexed: {tokens, factor} */
  var wholeWords = {}; /* location → its words as typed (EXACT_IN fields), folded → their
                          weight */
  var accentedWords = {}; /* the same, accents kept */
  var phrasesOf = {}; /* location → its heading and keywords, words as indexed, in order */

  function remember(docs, separator) {
    docs.forEach(function (doc) {
      var title = String(doc.title || "").replace(/<[^>]*>/g, " ");
      var tokens = function (line) {
        return tools.split(line, separator).map(function (w) { return w.toLowerCase(); });
      };
      var lines = [title].concat(String(doc.topic || "").split("\n")).map(tokens);
      phrasesOf[doc.location] = lines;
      var labels = String(doc.labels || "").split("\n").map(tokens);
      keywordsOf[doc.location] = lines.map(function (words) {
        return { tokens: words, factor: KEYWORD };
      }).concat(labels.map(function (words) { return { tokens: words, factor: LABEL }; }))
        .filter(function (line) { return line.tokens.length > 1; });
      var own = {};
      var accented = {};
      Object.keys(EXACT_IN).forEach(function (name) {
        var text = String(doc[name] || "").replace(/<[^>]*>/g, " ");
        tools.words(text).forEach(function (w) {
          own[w] = Math.max(own[w] || 0, EXACT_IN[name] * FOLDED);
        });
        tools.accented(text).forEach(function (w) {
          accented[w] = Math.max(accented[w] || 0, EXACT_IN[name]);
        });
      });
      wholeWords[doc.location] = own;
      accentedWords[doc.location] = accented;
    });
  }

  /* For one query word: location → the best level of the fields its tokens are in. */
  function postings(word) {
    var where = {};
    word.tokens.forEach(function (token) {
      var entry = tools.index().invertedIndex[token] || {};
      var whole = word.search.indexOf(token) !== -1;
      /* A word of two letters (« in », « on », « up ») starts too many others to count
         as their start. */
      if (!whole && word.search.every(function (form) { return form.length < SHORT; })) {
        return;
      }
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

  /* Whether ``word`` starts ``token``. */
  function starts(word, token) {
    return word.search.some(function (form) { return token.indexOf(tools.fold(form)) === 0; });
  }

  /* Whether the heading and keywords of ``location`` say ``word`` only inside compounds
     whose other words the query (``words``) lacks. */
  function captured(location, word, words) {
    var inside = false;
    var free = false;
    var compounds = tools.compounds();
    (phrasesOf[location] || []).forEach(function (tokens) {
      tokens = tokens.map(tools.fold);
      var covered = tokens.map(function () { return null; });
      compounds.forEach(function (term) {
        for (var i = 0; i + term.length <= tokens.length; i++) {
          if (term.every(function (t, j) { return tokens[i + j] === t; })) {
            /* Longest first: a compound inside a longer one stays the longer one's. */
            for (var j = 0; j < term.length; j++) { covered[i + j] = covered[i + j] || term; }
          }
        }
      });
      tokens.forEach(function (token, i) {
        if (!starts(word, token)) { return; }
        var term = covered[i];
        var whole = term && term.every(function (t) {
          return words.some(function (other) { return starts(other, t); });
        });
        if (term && !whole) { inside = true; } else { free = true; }
      });
    });
    return inside && !free;
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
      var accented = accentedWords[item.location] || {};
      var sum = 0;
      var whole = 0;
      query.units.forEach(function (unit) {
        unit.forEach(function (n) {
          var word = query.words[n];
          var level = found[n][item.location] || 0;
          if (level > 1 && captured(item.location, word, query.words)) { level = 1; }
          sum += idf[n] * (word.weak ? Math.min(level, 1) : level) / unit.length;
          whole += Math.max.apply(null, [0].concat(word.typed.map(function (w) {
            return own[w] || 0;
          }), (word.accented || []).map(function (w) { return accented[w] || 0; }))) /
            unit.length;
        });
      });
      sum *= Math.max.apply(null, [1].concat((keywordsOf[item.location] || [])
        .filter(function (line) { return says(query.words, line.tokens); })
        .map(function (line) { return line.factor; })));
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
