/*
 * The guide's search worker: Material's own worker (lunr, the index, the results) with
 * the reader's query prepared in front of it and the results ranked after it.
 * Material lets a site bring its own worker (its __config's "search"): the build points
 * it here, with Material's worker as ?material=… (overrides/hooks/help_search.py).
 *
 * Before lunr, each word of the query, split as the index is split (the index's
 * separator: stop words, elisions, endings and prefixes are cut there, see
 * docs/search/languages.yml), is
 * - kept when it starts a word of the index, as typed or without its accents and Arabic
 *   diacritics (Material then searches it as a prefix);
 * - else tried as typed before the index's cuts, without a verb prefix or suffix (or a
 *   noun's ending: « validation » → « valid »), a doubled last letter undone, with another
 *   person's prefix, and as its verbal noun, rather than the bare stem when the guide has
 *   it (Arabic « أحذف » → « حذف », « أغير » → « تغيير », « وصلني » → « تصل »);
 * - else, with five letters or more, replaced by the words of the index one edit away
 *   (a typo: « pasword », « activaton »; four letters are enough in Arabic: « خروح »);
 * - else dropped: a word found nowhere must not hide what the others find (DocSearch's
 *   optional words), nor be listed as missing under every result.
 * English contractions are searched as the word ("can't" → "cannot"), idioms as what they
 * mean (« ما وصلني » / "where is my email": the email that does not arrive); the words of a
 * compound (« mot de passe ») rank as one, weak words (« impossible ») as text.
 * When no word is left the query goes as typed: Material says « no results » and the
 * miss reaches the editors' report (help-app.js); when some are, the words dropped do (this
 * worker tells help-app.js on the "help-search" BroadcastChannel).
 *
 * After lunr, the results are scored again (javascripts/search-ranking.js).
 *
 * tests/search_node.js runs this file and Material's worker with Node on the built index:
 * the same code, the same answers as in the browser (tests/test_search.py checks both).
 */
(function () {
  "use strict";

  var SETUP = 0; /* Material's SearchMessageType: SETUP, READY, QUERY, RESULT */
  var QUERY = 2;
  var RESULT = 3;
  var typoLength = 5; /* the index's typo_length: shorter words are not corrected */
  var MAX_CORRECTIONS = 3;
  var ARABIC_MARKS = /[\u064B-\u065F\u0670]/g;

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
  /* The index's verb_prefixes, verb_suffixes, noun_patterns, verb_initials
     (docs/search/languages.yml). */
  var affixes = { prefixes: [], suffixes: [], patterns: [], initials: [], particles: [] };
  var wordSeparator = /\s+/;
  var contractions = {}; /* « can't » → « cannot » */
  var idioms = []; /* [pattern, what it means]: « où est passé le mail » → + « jamais reçu » */
  var compounds = []; /* [« mot », « pass »]: words that rank as one */
  var weak = []; /* « impossibl »: ranks as text wherever it is */
  var asked = []; /* the prepared queries, in order, waiting for their results */
  var present = {}; /* a verb's stem → its forms for other persons, its present tense
                       (stems(), for the word being prepared) */
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
          patterns: config.noun_patterns || [], initials: config.verb_initials || [],
          particles: config.query_particles || [] };
        contractions = config.contractions || {};
        idioms = (config.idioms || []).map(function (idiom) {
          try { return [new RegExp(idiom[0], "giu"), idiom[1]]; } catch (error) { return null; }
        }).filter(Boolean);
        compounds = (config.compounds || []).map(function (term) { return term.map(fold); })
          .sort(function (a, b) { return b.length - a.length; });
        weak = (config.weak_words || []).map(fold);
        wordSeparator = new RegExp(config.word_separator || config.separator || "\\s+");
        typoLength = config.typo_length || 5;
        ranking.remember(message.data.docs || [], new RegExp(config.separator || "\\s+"));
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
        items: ranking.rank(message.data.items || [], query)
      }) };
    }
    return post.apply(self, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
  self.importScripts(material.href);
  self.addEventListener = listen;
  importNative.call(self, new URL("search-ranking.js", self.location.href).href);
  var ranking = self.guideSearchRanking({
    split: split, words: words, accented: accented, fold: fold,
    index: function () { return index; },
    compounds: function () { return compounds; }
  });

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

  /* The same, accents kept (lowercase). */
  function accented(text) {
    return split(text, wordSeparator).map(function (w) { return w.toLowerCase(); })
      .filter(function (w) { return w.length > 1; });
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
    /* Arabic diacritics off (the index has every word without them too): an idiom's
       « أفع\p{L}* » then matches « أفعّل » whole. */
    query = query.replace(ARABIC_MARKS, "");
    Object.keys(contractions).forEach(function (form) {
      var pattern = new RegExp("(^|[^\\p{L}])" + form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") +
        "(?![\\p{L}])", "giu");
      query = query.replace(pattern, "$1" + contractions[form]);
    });
    /* An idiom is searched as what it means (its words replace or follow the phrase). */
    idioms.forEach(function (idiom) { query = query.replace(idiom[0], idiom[1]); });
    query.split(/\s+/).forEach(function (typed) {
      var pieces = split(typed, lunr.tokenizer.separator);
      pieces.forEach(function (piece) {
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
        /* A word of one piece, also as typed, before the index's cuts: « وصلني » (« و »
           would be cut off as a particle). */
        var whole = pieces.length === 1 ?
          fold(typed.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")) : word;
        present = {};
        var asTyped = tokens.length > 0;
        /* Found as typed, a verb of the language's present tense is searched as its stem
           too (« أحذف », I delete, starts « أحذفه »: « حذف » is the topic's word). */
        var forms = (asTyped ? verbStems(word) : stems(word).concat(whole !== word ?
          stems(whole) : [])).filter(function (form, n, all) { return all.indexOf(form) === n; });
        var chosen = [];
        var typedSearch = search;
        var exists = function (form) {
          return found(lunr.TokenSet.fromString(form + "*")).length;
        };
        for (var v = 0; v < forms.length; v++) {
          /* The verbal noun, when the guide has it, rather than the bare stem (« أغير »:
             « تغيير », not « غير », which is also "not"). */
          var named = nouns(forms[v]).filter(exists);
          search = (named.length ? named : [forms[v]]).concat(present[forms[v]] || [])
            .filter(exists);
          tokens = tokens.concat.apply(tokens, search.map(function (form) {
            return found(lunr.TokenSet.fromString(form + "*"));
          }));
          chosen = chosen.concat(search.filter(function (form) {
            return chosen.indexOf(form) === -1;
          }));
        }
        if (forms.length) {
          search = asTyped ? typedSearch.concat(chosen.filter(function (form) {
            return typedSearch.indexOf(form) === -1;
          })) : chosen;
        }
        var meant = words(typed);
        if (!tokens.length && Array.from(word).length >= typoLength) {
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
          }), accented: meant === search ? [] : accented(typed),
          weak: search.some(function (form) { return weak.indexOf(fold(form)) !== -1; }) });
        } else if (dropped.indexOf(typed) === -1) {
          dropped.push(typed);
        }
      });
    });
    /* The query glued into one word (letters and digits, folded), when the index has it:
       an app label that loses words to the stop words (« Mon compte », « Ce n'était pas
       moi »), typed whole (help_search.py indexes such labels glued too). */
    var glued = split(fold(typedQuery).replace(/[^\p{L}\p{N}]+/gu, ""),
      lunr.tokenizer.separator);
    if (typedQuery.trim().split(/[^\p{L}\p{N}]+/u).length > 1 && glued.length === 1 &&
        glued[0].length > 3 && Object.keys(((index.invertedIndex[glued[0]] || {}).labels) || {})
          .length) {
      kept.push({ search: glued, tokens: glued, typed: glued, accented: [], weak: false });
    }
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

  /* ``word`` without a verb prefix, suffix, or both, longest first (three letters left),
     a doubled last letter undone ("logg" of "logged" → "log"); then with another verb
     prefix, and a stem that starts with one of ``initials`` without it, as its present
     tense writes it (« وصل », it arrived: « يصل », « تصل »). */
  function stems(word) {
    var forms = [];
    var others = [];
    var also = function (stem, form) {
      present[stem] = present[stem] || [];
      if (present[stem].indexOf(form) === -1) { present[stem].push(form); }
    };
    var undouble = function (stem) {
      var letters = Array.from(stem);
      var n = letters.length;
      return n >= 4 && letters[n - 1] === letters[n - 2] ? [letters.slice(0, -1).join("")] : [];
    };
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
        if (stem.length >= 3) { forms.push.apply(forms, undouble(stem)); }
        if (Array.from(stem).length === 3 && affixes.initials.indexOf(stem[0]) !== -1) {
          affixes.prefixes.forEach(function (other) {
            if (other.length === 1) { also(stem, other + stem.slice(1)); }
          });
        }
        /* The same verb for another person (« يصل », it arrives: « تصل »), searched with
           the stem too (« أفعل »: « يفعل »). */
        if (p && stem.length >= 2) {
          affixes.prefixes.forEach(function (other) {
            if (other !== p && other.length === 1) {
              others.push(other + stem);
              also(stem, other + stem);
            }
          });
        }
      });
    });
    return forms.sort(function (a, b) { return b.length - a.length; }).concat(others);
  }

  /* ``word`` without its one-letter verb prefix (« أحذف » → « حذف ») or the particle
     written before a word without the article (« بكلمة » → « كلمة »), three letters or
     more left. */
  function verbStems(word) {
    var nounEnd = /[ةه]$/.test(word); /* « إعادة » is a noun: not « عاد » */
    return (nounEnd ? [] : affixes.prefixes.concat(affixes.particles)).filter(function (p) {
      return Array.from(p).length === 1 && word.indexOf(p) === 0 &&
        Array.from(word).length - 1 >= 3;
    }).map(function (p) { return word.slice(p.length); })
      /* A three-letter verb as typed, its verbal noun too (« فعّل » → « تفعيل »). */
      .concat(Array.from(word).length === 3 && affixes.patterns.length ? [word] : []);
  }

  /* The nouns ``noun_patterns`` make of a three-letter stem (« غير » → « تغيير »). */
  function nouns(stem) {
    var letters = Array.from(stem);
    if (letters.length !== 3) { return []; }
    return affixes.patterns.map(function (pattern) {
      return pattern.replace(/[123]/g, function (n) { return letters[n - 1]; });
    });
  }

}());
