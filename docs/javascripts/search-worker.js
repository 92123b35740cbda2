/*
 * The guide's search worker: Material's own worker (lunr, the index, the results) with
 * the reader's query prepared in front of it and the results ranked after it.
 * Material lets a site bring its own worker (its __config's "search"): the build points
 * it here, with Material's worker as ?material=… (overrides/hooks/help_search.py).
 *
 * Before lunr, each word of the query, split as the index is split (the index's
 * separator: stop words, elisions, endings and prefixes are cut there, see
 * docs/search/languages.yml), is
 * - kept when it starts a word of the index (Material then searches it as a prefix);
 * - else, with five letters or more, replaced by the words of the index one edit away
 *   (a typo: « pasword », « activaton »);
 * - else dropped: a word found nowhere must not hide what the others find (DocSearch's
 *   optional words), nor be listed as missing under every result.
 * When no word is left the query goes as typed: Material says « no results » and the
 * miss reaches the editors' report (help-app.js); when some are, the words dropped do (this
 * worker tells help-app.js on the "help-search" BroadcastChannel).
 *
 * After lunr, each result is scored again, in the reader's browser like the rest:
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
 * tests/search_node.js runs this file and Material's worker with Node on the built index:
 * the same code, the same answers as in the browser (tests/test_search.py checks both).
 */
(function () {
  "use strict";

  var SETUP = 0; /* Material's SearchMessageType: SETUP, READY, QUERY, RESULT */
  var QUERY = 2;
  var RESULT = 3;
  var TYPO_LENGTH = 5;
  var MAX_CORRECTIONS = 3;
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

  var material = new URL(new URL(self.location.href).searchParams.get("material") || "",
    self.location.href);
  if (material.origin !== self.location.origin) {
    throw new Error("search-worker.js: Material's worker must be on this origin");
  }

  /* Material loads lunr's language files relative to its own address, not ours. */
  var importNative = self.importScripts;
  self.importScripts = function () {
    var urls = Array.prototype.map.call(arguments, function (url) {
      return new URL(url, material).href;
    });
    return importNative.apply(self, urls);
  };

  var index = null;
  /* The index's verb_prefixes, verb_suffixes, noun_patterns (docs/search/languages.yml). */
  var affixes = { prefixes: [], suffixes: [], patterns: [] };
  var wordSeparator = /\s+/;
  var contractions = {}; /* « can't » → « cannot » */
  var compounds = []; /* [« mot », « pass »]: words that rank as one */
  var weak = []; /* « impossibl »: ranks as text wherever it is */
  var keywordsOf = {}; /* location → its topic's keywords of two words or more, as indexed */
  var wholeWords = {}; /* location → its words as typed (EXACT_IN fields) → their weight */
  var asked = []; /* the prepared queries, in order, waiting for their results */
  /* The words found nowhere, for the editors' report (javascripts/help-app.js sends it). */
  var channel = typeof BroadcastChannel === "function" ?
    new BroadcastChannel("help-search") : null;

  /* Material's message handler gets the prepared query; its results get ranked. */
  var listen = self.addEventListener;
  self.addEventListener = function (type, listener, options) {
    if (type !== "message") { return listen.apply(self, arguments); }
    return listen.call(self, "message", function (event) {
      var message = event.data;
      if (message && message.type === SETUP) {
        var config = message.data.config || {};
        affixes = { prefixes: config.verb_prefixes || [], suffixes: config.verb_suffixes || [],
          patterns: config.noun_patterns || [] };
        contractions = config.contractions || {};
        compounds = (config.compounds || []).map(function (term) { return term.map(fold); })
          .sort(function (a, b) { return b.length - a.length; });
        weak = (config.weak_words || []).map(fold);
        wordSeparator = new RegExp(config.word_separator || config.separator || "\\s+");
        remember(message.data.docs || [], new RegExp(config.separator || "\\s+"));
      } else if (message && message.type === QUERY && index) {
        var query = prepare(String(message.data || ""));
        asked.push(query);
        message = { type: QUERY, data: query.text };
      }
      return listener.call(self, { data: message });
    }, options);
  };
  var post = self.postMessage;
  self.postMessage = function (message) {
    if (message && message.type === RESULT && asked.length) {
      var query = asked.shift();
      message = { type: RESULT, data: Object.assign({}, message.data, {
        items: rank(message.data.items || [], query)
      }) };
    }
    return post.apply(self, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
  self.importScripts(material.href);
  self.addEventListener = listen;

  /* The index Material builds: the vocabulary and postings the query is compared with. */
  var build = self.lunr.Builder.prototype.build;
  self.lunr.Builder.prototype.build = function () {
    index = build.apply(this, arguments);
    return index;
  };

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  /* The words of ``text`` as typed: elisions and prefixes off, endings kept, folded. */
  function words(text) {
    return split(text, wordSeparator).map(fold);
  }

  function remember(docs, separator) {
    docs.forEach(function (doc) {
      keywordsOf[doc.location] = String(doc.topic || "").split("\n").map(function (line) {
        return split(line, separator).map(function (w) { return w.toLowerCase(); });
      }).filter(function (tokens) { return tokens.length > 1; });
      var own = {};
      Object.keys(EXACT_IN).forEach(function (name) {
        words(String(doc[name] || "").replace(/<[^>]*>/g, " ")).forEach(function (w) {
          own[w] = Math.max(own[w] || 0, EXACT_IN[name]);
        });
      });
      wholeWords[doc.location] = own;
    });
  }

  function found(pattern) {
    return index.tokenSet.intersect(pattern).toArray();
  }

  /* Material's own split (integrations/search/internal): zero-width separators too. */
  function split(input, separator) {
    var pattern = new RegExp(separator, "g");
    var pieces = [];
    var start = 0;
    var match;
    do {
      match = pattern.exec(input);
      var until = match ? match.index : input.length;
      if (start < until) { pieces.push(input.slice(start, until)); }
      if (match) {
        start = match.index + match[0].length;
        if (!match[0].length) { pattern.lastIndex = match.index + 1; }
      }
    } while (match);
    return pieces;
  }

  /*
   * The query for lunr (``text``) and its words: each with the index's words it finds
   * (``tokens``) and the whole words it was typed as (``typed``).
   */
  function prepare(query) {
    var lunr = self.lunr;
    /* The reader's own lunr syntax (+word, -word, word~1, "…") is left as typed. */
    if (/(^|\s)[+\-](?=\S)|\S[~^]|[*"]|\S:\S/.test(query)) {
      return { text: query, words: [] };
    }
    var kept = [];
    var dropped = [];
    var typedQuery = query;
    Object.keys(contractions).forEach(function (form) {
      var pattern = new RegExp("(^|[^\\p{L}])" + form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") +
        "(?![\\p{L}])", "giu");
      query = query.replace(pattern, "$1" + contractions[form]);
    });
    query.split(/\s+/).forEach(function (typed) {
      split(typed, lunr.tokenizer.separator).forEach(function (piece) {
        var word = piece.toLowerCase();
        if (word.length < 2) { return; } /* « e » of « e-mail » would start every word */
        /* As typed (Material highlights it), and without accents or Arabic diacritics (the
           index has every word so too): « bloquée », « bloquee »; « حسابًا », « حسابا ». */
        var search = [word, fold(word)].filter(function (form, n, all) {
          return all.indexOf(form) === n && found(lunr.TokenSet.fromString(form + "*")).length;
        });
        var tokens = [].concat.apply([], search.map(function (form) {
          return found(lunr.TokenSet.fromString(form + "*"));
        }));
        word = fold(word);
        for (var v = 0, forms = tokens.length ? [] : stems(word); v < forms.length; v++) {
          search = [forms[v]].concat(nouns(forms[v])).filter(function (form) {
            return found(lunr.TokenSet.fromString(form + "*")).length;
          });
          tokens = [].concat.apply([], search.map(function (form) {
            return found(lunr.TokenSet.fromString(form + "*"));
          }));
          if (tokens.length) { break; }
        }
        var meant = words(typed);
        if (!tokens.length && word.length >= TYPO_LENGTH) {
          search = found(lunr.TokenSet.fromFuzzyString(word, 1)).sort()
            .slice(0, MAX_CORRECTIONS);
          tokens = [].concat.apply([], search.map(function (near) {
            return found(lunr.TokenSet.fromString(near + "*"));
          }));
          meant = search; /* « activaton »: the reader meant « activation » */
        }
        if (tokens.length) {
          kept.push({ search: search, tokens: tokens, typed: meant.filter(function (w) {
            return w.length > 1;
          }), weak: search.some(function (form) { return weak.indexOf(fold(form)) !== -1; }) });
        } else if (dropped.indexOf(typed) === -1) {
          dropped.push(typed);
        }
      });
    });
    if (!kept.length) { return { text: query, words: [] }; }
    if (dropped.length && channel) {
      channel.postMessage({ query: typedQuery, unknown: dropped.join(" ") });
    }
    return {
      text: [].concat.apply([], kept.map(function (w) { return w.search; })).join(" "),
      words: kept,
      units: units(kept)
    };
  }

  /* The query's words grouped as they rank: a compound's words together, each other alone. */
  function units(kept) {
    var groups = [];
    for (var i = 0; i < kept.length;) {
      var size = 1;
      compounds.some(function (term) {
        var fits = i + term.length <= kept.length && term.every(function (token, j) {
          return kept[i + j].search.some(function (form) { return fold(form) === token; });
        });
        if (fits) { size = term.length; }
        return fits;
      });
      groups.push(Array.from({ length: size }, function (_, j) { return i + j; }));
      i += size;
    }
    return groups;
  }

  /* ``word`` without a verb prefix, suffix, or both, longest first (three letters left);
     then with another verb prefix. */
  function stems(word) {
    var forms = [];
    var others = [];
    var starts = [""].concat(affixes.prefixes.filter(function (p) {
      return word.indexOf(p) === 0;
    }));
    var ends = [""].concat(affixes.suffixes.filter(function (s) {
      return word.slice(-s.length) === s;
    }));
    starts.forEach(function (p) {
      ends.forEach(function (s) {
        var stem = word.slice(p.length, word.length - s.length);
        if ((p || s) && stem.length >= 3) { forms.push(stem); }
        /* The same verb for another person (« يصل », it arrives: « تصل »). */
        if (p && stem.length >= 2) {
          affixes.prefixes.forEach(function (other) {
            if (other !== p && other.length === 1) { others.push(other + stem); }
          });
        }
      });
    });
    return forms.sort(function (a, b) { return b.length - a.length; }).concat(others);
  }

  /* The nouns ``noun_patterns`` make of a three-letter stem (« غير » → « تغيير »). */
  function nouns(stem) {
    var letters = Array.from(stem);
    if (letters.length !== 3) { return []; }
    return affixes.patterns.map(function (pattern) {
      return pattern.replace(/[123]/g, function (n) { return letters[n - 1]; });
    });
  }

  /* For one query word: location → the best level of the fields its tokens are in. */
  function postings(word) {
    var where = {};
    word.tokens.forEach(function (token) {
      var entry = index.invertedIndex[token] || {};
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
}());
