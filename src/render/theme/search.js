/* broadsheet search: answers queries from the static index under search/, fetching only
   the shards and metadata chunks a query needs. No external requests, no dependencies.
   The index format and the query rules are described in src/search/mod.rs; the same
   logic in Rust is src/search/plan.rs: keep the three in step. */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = (script && script.getAttribute('data-base')) || '/';
  var root = base + 'search/';
  /* The index format this script reads (`VERSION` in src/search/mod.rs). */
  var INDEX_VERSION = 2;
  var PREFIX_MIN_CHARS = 3, PREFIX_MAX_SHARDS = 2, PREFIX_MAX_TERMS = 200, MAX_WORD_CHARS = 40;

  /* Folding, as src/search/tokenize.rs does it. */
  var MARK = /[\u0300-\u036f\u064b-\u065f\u0670\u0640]/;
  var ARABIC_FOLD = { '\u0622': '\u0627', '\u0623': '\u0627', '\u0625': '\u0627', '\u0671': '\u0627', '\u0649': '\u064a', '\u0629': '\u0647' };
  var ALNUM = /[\p{L}\p{N}\p{M}]/u;
  var GREEK = /^[\u0370-\u03ff\u1f00-\u1fff]$/u, LETTER = /\p{L}/u;
  /* Latin letters with diacritics -> ASCII, from U+00C0 and U+1E00 ('' = kept as is).
     Generated from the Rust side (deunicode); a unit test in tokenize.rs checks them. */
  var FOLD_00C0 = 'a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|ss|a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|y|a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|h|h|h|h|i|i|i|i|i|i|i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|n|n|n|n|n|n||ng|ng|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|s|s|s|s|s|s|s|s|t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s|b|b|b|b|6|6|o|c|c|d|d|d|d|d|3||e|f|f|g|g|hv|i|i|k|k|l|l|w|n|n|o|o|o|oi|oi|p|p|yr|2|2|sh|sh|t|t|t|t|u|u|y|v|y|y|z|z|zh|zh|zh|zh|2|5|5|ts|w|||||dz|dz|dz|lj|lj|lj|nj|nj|nj|a|a|i|i|o|o|u|u|u|u|u|u|u|u|u|u||a|a|a|a|ae|ae|g|g|g|g|k|k|o|o|o|o|zh|zh|j|dz|dz|dz|g|g|hv|w|n|n|a|a|ae|ae|o|o|a|a|a|a|e|e|e|e|i|i|i|i|o|o|o|o|r|r|r|r|u|u|u|u|s|s|t|t|y|y|h|h|n|d|ou|ou|z|z|a|a|e|e|o|o|o|o|o|o|o|o|y|y|l|n|t|j|db|qp|a|c|c|l|t|s|z|||b|u||e|e|j|j|q|q|r|r|y|y'.split('|');
  var FOLD_1E00 = 'a|a|b|b|b|b|b|b|c|c|d|d|d|d|d|d|d|d|d|d|e|e|e|e|e|e|e|e|e|e|f|f|g|g|h|h|h|h|h|h|h|h|h|h|i|i|i|i|k|k|k|k|k|k|l|l|l|l|l|l|l|l|m|m|m|m|m|m|n|n|n|n|n|n|n|n|o|o|o|o|o|o|o|o|p|p|p|p|r|r|r|r|r|r|r|r|s|s|s|s|s|s|s|s|s|s|t|t|t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|v|v|v|v|w|w|w|w|w|w|w|w|w|w|x|x|x|x|y|y|z|z|z|z|z|z|h|t|w|y|a|s|s|s|ss|d|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|a|e|e|e|e|e|e|e|e|e|e|e|e|e|e|e|e|i|i|i|i|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|o|u|u|u|u|u|u|u|u|u|u|u|u|u|u|y|y|y|y|y|y|y|y|ll|ll|v|v|y|y'.split('|');
  function foldChar(c) {
    if (c < '\u0080') return /[a-z0-9]/i.test(c) ? c.toLowerCase() : ' ';
    if (MARK.test(c)) return '';
    var code = c.codePointAt(0), f = '';
    /* Ligatures and fullwidth ASCII, as tokenize.rs's is_compatibility_ascii. */
    if ((code >= 0xfb00 && code <= 0xfb06) || (code >= 0xff01 && code <= 0xff5e)) {
      f = c.normalize('NFKD');
      return /^[a-z0-9]+$/i.test(f) ? f.toLowerCase() : ' ';
    }
    /* Greek letters lose accents and breathings, as tokenize.rs's is_greek_letter. */
    if (GREEK.test(c) && LETTER.test(c)) return c.normalize('NFD').replace(/[\u0300-\u036f\u0345]/g, '').toLowerCase().replace(/\u03c2/g, '\u03c3');
    if (ARABIC_FOLD[c]) return ARABIC_FOLD[c];
    /* Arabic-Indic and Persian digits are ASCII digits. */
    if (code >= 0x660 && code <= 0x669) return String.fromCharCode(48 + code - 0x660);
    if (code >= 0x6f0 && code <= 0x6f9) return String.fromCharCode(48 + code - 0x6f0);
    if (code >= 0xc0 && code <= 0x24f) f = FOLD_00C0[code - 0xc0];
    else if (code >= 0x1e00 && code <= 0x1eff) f = FOLD_1E00[code - 0x1e00];
    if (f) return f;
    if (ALNUM.test(c)) return c.toLowerCase();
    return ' ';
  }
  function fold(text) {
    var out = '';
    for (var c of text) out += foldChar(c);
    return out;
  }
  /* Chinese and Japanese: each pair of neighbouring letters, as tokenize.rs's is_cjk. */
  var CJK = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
  function pairs(token, out) {
    var plain = '', run = [];
    function endRun() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 1; i < run.length; i++) out.push(run[i - 1] + run[i]);
      run = [];
    }
    for (var c of token) {
      if (CJK.test(c)) {
        if (plain) { out.push(arabicStem(plain)); plain = ''; }
        run.push(c);
      } else {
        endRun();
        plain += c;
      }
    }
    endRun();
    if (plain) out.push(arabicStem(plain));
  }
  /* Arabic words without article, attached words and endings, as tokenize.rs's
     arabic_stem (Lucene's light stemmer). */
  var AR_PREFIXES = ['\u0627\u0644', '\u0648\u0627\u0644', '\u0628\u0627\u0644', '\u0643\u0627\u0644', '\u0641\u0627\u0644', '\u0644\u0644'];
  var AR_SUFFIXES = ['\u0647\u0627', '\u0627\u0646', '\u0627\u062a', '\u0648\u0646', '\u064a\u0646', '\u064a\u0647', '\u0647', '\u064a'];
  function arabicStem(w) {
    if (!/^[\u0621-\u064a]+$/.test(w)) return w;
    for (var i = 0; i < AR_PREFIXES.length; i++) {
      var p = AR_PREFIXES[i];
      if (w.indexOf(p) === 0 && w.length - p.length >= 2) { w = w.slice(p.length); break; }
    }
    AR_SUFFIXES.forEach(function (sfx) {
      if (w.length - sfx.length >= 2 && w.slice(-sfx.length) === sfx) w = w.slice(0, -sfx.length);
    });
    return w;
  }
  function words(text) {
    var tokens = [];
    fold(text).split(' ').forEach(function (t) { pairs(t, tokens); });
    return tokens.filter(function (w) {
      var n = Array.from(w).length;
      return w.length > 0 && !(w.length === 1 && w < '\u0080') && n <= MAX_WORD_CHARS;
    });
  }

  /* Fetching, each file once. */
  var cache = {};
  function get(path, kind) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (!r.ok) return null;
        return kind === 'json' ? r.json() : r.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      });
    }
    return cache[path];
  }
  function varint(b, st) {
    var v = 0, mul = 1, x;
    do {
      if (st.p >= b.length) return -1;
      x = b[st.p++];
      v += (x & 127) * mul;
      mul *= 128;
    } while (x >= 128);
    return v;
  }
  var decoder = new TextDecoder();
  function parseShard(b) {
    var out = [], st = { p: 0 };
    while (st.p < b.length) {
      var len = b[st.p++];
      var term = decoder.decode(b.subarray(st.p, st.p + len));
      st.p += len;
      var df = varint(b, st), plen = varint(b, st);
      if (df < 0 || plen < 0) break;
      out.push({ term: term, df: df, postings: b.subarray(st.p, st.p + plen) });
      st.p += plen;
    }
    return out;
  }
  function eachPosting(b, fn) {
    var st = { p: 0 }, id = 0, v;
    while ((v = varint(b, st)) >= 0) {
      id += Math.floor(v / 4);
      fn(id, v % 4);
    }
  }
  function decodeIds(b) {
    var st = { p: 0 }, id = 0, v, out = new Set();
    while ((v = varint(b, st)) >= 0) { id += v; out.add(id); }
    return out;
  }
  function shardOf(shards, word) {
    var lo = 0, hi = shards.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (shards[mid] <= word) lo = mid + 1; else hi = mid;
    }
    return Math.max(lo - 1, 0);
  }

  /* Where a word still being typed starts, as tokenize.rs's partial_stem: an Arabic word
     ending in the first letter of a two-letter ending (ا of ات, ان; و of ون) without it. */
  function partialStem(w) {
    if (!/^[\u0621-\u064a]+$/.test(w) || Array.from(w).length < 4) return w;
    return /[\u0627\u0648]$/.test(w) ? w.slice(0, -1) : w;
  }

  /* Scores of the articles matching one word: Map id -> score. */
  function matchWord(meta, word, prefix) {
    var start = prefix ? partialStem(word) : word;
    var first = shardOf(meta.shards, start), ids = [first];
    if (prefix) {
      while (ids.length < PREFIX_MAX_SHARDS && first + ids.length < meta.shards.length &&
             meta.shards[first + ids.length].startsWith(start)) ids.push(first + ids.length);
    }
    if (!meta.shards.length) return Promise.resolve(new Map());
    return Promise.all(ids.map(function (s) { return get('t/' + s + '.bin'); })).then(function (shards) {
      var mine = new Map(), expanded = 0, n = meta.articles, exactIdf = null, entries = [];
      shards.forEach(function (bytes) { if (bytes) entries = entries.concat(parseShard(bytes)); });
      /* The stem of a word still being typed counts as the word itself only when the
         word is not in the index, as in plan.rs; the word goes first either way (a stem
         sorts before it). */
      var indexed = entries.some(function (e) { return e.term === word; });
      if (indexed) entries.sort(function (a, b) { return (b.term === word) - (a.term === word); });
      entries.forEach(function (e) {
        var exact = e.term === word || (e.term === start && !indexed);
        if (!exact) {
          if (!prefix || !e.term.startsWith(start) || expanded >= PREFIX_MAX_TERMS) return;
          expanded++;
        }
        var idf = Math.log(1 + n / Math.max(e.df, 1)), factor = 1;
        /* The word itself comes first: when it is in the index, a longer word never
           outscores it (a rarer "courtney" above "court"). */
        if (exact) exactIdf = idf;
        else if (exactIdf !== null) { idf = Math.min(idf, exactIdf); factor = 0.2; }
        else factor = 0.5;
        eachPosting(e.postings, function (id, w) {
          var s = idf * (1 + w) * factor;
          if (!(mine.get(id) >= s)) mine.set(id, s);
        });
      });
      return mine;
    });
  }

  function tagSlug(name) {
    var key = name.trim().toLowerCase();
    return get('tags.json', 'json').then(function (tags) {
      var hit = (tags || []).find(function (t) { return t[0] === key || t[1].toLowerCase() === key; });
      return hit ? hit[0] : null;
    });
  }

  /* The slug of a section or source given by its slug or its name (any case). */
  function slugIn(list, value) {
    var key = value.trim().toLowerCase();
    if (!key) return value;
    var hit = (list || []).find(function (t) { return t[0] === key || String(t[1]).toLowerCase() === key; });
    return hit ? hit[0] : value;
  }

  /* Answers a query: {total, shown: [doc], page, pages}. */
  function answer(meta, p) {
    var ws = words(p.q);
    var prefixLast = ws.length > 0 && !/\s$/.test(p.q) &&
      Array.from(ws[ws.length - 1]).length >= PREFIX_MIN_CHARS;
    var filters = [];
    [['section', p.section], ['source', p.source]].forEach(function (f) {
      if (f[1]) filters.push(get('f/' + f[0] + '/' + encodeURIComponent(f[1]) + '.bin'));
    });
    if (p.tag) {
      filters.push(tagSlug(p.tag).then(function (slug) {
        return slug ? get('f/tag/' + encodeURIComponent(slug) + '.bin') : null;
      }));
    }
    return Promise.all([
      Promise.all(ws.map(function (w, i) { return matchWord(meta, w, prefixLast && i === ws.length - 1); })),
      Promise.all(filters)
    ]).then(function (r) {
      var scored = null;
      r[0].forEach(function (mine) {
        if (!scored) { scored = mine; return; }
        var next = new Map();
        scored.forEach(function (s, id) { if (mine.has(id)) next.set(id, s + mine.get(id)); });
        scored = next;
      });
      var allowed = null;
      r[1].forEach(function (b) {
        var ids = b ? decodeIds(b) : new Set();
        if (!allowed) { allowed = ids; return; }
        allowed = new Set(Array.from(allowed).filter(function (id) { return ids.has(id); }));
      });
      var range = null;
      if (p.year) {
        var y = meta.years.find(function (y) { return String(y[0]) === p.year; });
        range = y ? [y[1], y[2]] : [0, 0];
      }
      function keep(id) {
        return (!allowed || allowed.has(id)) && (!range || (id >= range[0] && id < range[1]));
      }
      var hits = [];
      if (scored) {
        scored.forEach(function (s, id) { if (keep(id)) hits.push([id, s]); });
      } else if (allowed) {
        allowed.forEach(function (id) { if (keep(id)) hits.push([id, 0]); });
      } else if (range) {
        for (var id = range[0]; id < range[1]; id++) hits.push([id, 0]);
      }
      // Ids count from the oldest; undated articles (the lowest ids) always come last.
      if (p.sort === 'newest') hits.sort(function (a, b) { return b[0] - a[0]; });
      else if (p.sort === 'oldest') {
        hits.sort(function (a, b) {
          var ua = a[0] < meta.undated, ub = b[0] < meta.undated;
          return ua !== ub ? (ua ? 1 : -1) : a[0] - b[0];
        });
      } else hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
      var pages = Math.max(1, Math.ceil(hits.length / meta.page));
      var page = Math.min(Math.max(1, p.page), pages);
      var ids = hits.slice((page - 1) * meta.page, page * meta.page).map(function (h) { return h[0]; });
      var chunks = {};
      ids.forEach(function (id) { chunks[Math.floor(id / meta.chunk)] = true; });
      var keys = Object.keys(chunks);
      return Promise.all(keys.map(function (k) { return get('d/' + k + '.json', 'json'); })).then(function (loaded) {
        var byChunk = {};
        keys.forEach(function (k, i) { byChunk[k] = loaded[i] || []; });
        var shown = ids.map(function (id) { return byChunk[Math.floor(id / meta.chunk)][id % meta.chunk]; })
          .filter(Boolean);
        return { total: hits.length, shown: shown, page: page, pages: pages, searched: ws.length > 0 || !!(allowed || range) };
      });
    });
  }

  /* The page. */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function params() {
    var u = new URLSearchParams(location.search);
    var page = parseInt(u.get('page') || '1', 10);
    return {
      q: u.get('q') || '', section: u.get('section') || '', source: u.get('source') || '',
      tag: u.get('tag') || '', year: u.get('year') || '', sort: u.get('sort') || '',
      page: isNaN(page) ? 1 : page
    };
  }
  function pageUrl(n) {
    var u = new URLSearchParams(location.search);
    u.set('page', String(n));
    return '?' + u.toString();
  }
  function fill(select, items, value) {
    if (!select) return;
    items.forEach(function (t) {
      var o = el('option', '', t[1]);
      o.value = t[0];
      select.appendChild(o);
    });
    select.value = value;
  }
  /* The page's words, in the site's language (data-* of the status line, written by
     search.html); English when an older template has none. */
  var WORDS = {
    searching: 'Searching\u2026',
    typeWords: 'Type words to find, or choose a filter.',
    nothingSearchable: 'No word of \u201c{q}\u201d can be searched: single letters and digits are left out of the index.',
    noResults: 'No articles found',
    foundOne: '1 article',
    found: '{n} articles',
    forWords: ' for \u201c{q}\u201d',
    searchTitle: '\u201c{q}\u201d \u00b7 {title}',
    pageOf: 'page {page} of {pages}',
    previousResults: '\u2190 Previous results',
    moreResults: 'More results \u2192',
    unavailable: 'Search is not available: the index could not be loaded.'
  };
  function say(key, vars) {
    var status = document.getElementById('search-status');
    var text = (status && status.dataset[key]) || WORDS[key];
    /* In one pass, so that a query holding `{title}` is not filled in itself. */
    return text.replace(/\{(\w+)\}/g, function (m, k) {
      return vars && Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : m;
    });
  }
  function render(res, p) {
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var nav = document.getElementById('search-pages');
    list.textContent = '';
    nav.textContent = '';
    nav.hidden = true;
    if (!res.searched) {
      status.textContent = p.q && p.q.trim() ? say('nothingSearchable', { q: p.q }) : say('typeWords');
      return;
    }
    var what = p.q ? say('forWords', { q: p.q }) : '';
    status.textContent = res.total === 0 ? say('noResults') + what + '.'
      : (res.total === 1 ? say('foundOne') : say('found', { n: res.total })) + what +
        (res.pages > 1 ? ', ' + say('pageOf', { page: res.page, pages: res.pages }) : '') + '.';
    res.shown.forEach(function (d) {
      var li = el('li', 'result');
      /* An article in another language or direction than the site, as its card is. */
      if (d[7]) li.lang = d[7];
      if (d[8]) li.dir = d[8];
      if (d[4]) li.appendChild(el('p', 'kicker', d[4]));
      var h = el('h2'), a = el('a', '', d[1]);
      a.href = base + d[0];
      h.appendChild(a);
      li.appendChild(h);
      var by = el('p', 'byline');
      if (d[2]) {
        var t = el('time', '', d[2]);
        t.setAttribute('datetime', d[3]);
        by.appendChild(t);
      }
      if (d[5].length) by.appendChild(document.createTextNode((d[2] ? ' \u00b7 ' : '') + d[5].join(', ')));
      li.appendChild(by);
      if (d[6]) li.appendChild(el('p', 'summary', d[6]));
      list.appendChild(li);
    });
    if (res.pages > 1) {
      nav.hidden = false;
      if (res.page > 1) {
        var prev = el('a', 'prev', say('previousResults'));
        prev.href = pageUrl(res.page - 1);
        prev.rel = 'prev';
        nav.appendChild(prev);
      }
      var of = say('pageOf', { page: res.page, pages: res.pages });
      nav.appendChild(el('span', 'page-of', of.charAt(0).toUpperCase() + of.slice(1)));
      if (res.page < res.pages) {
        var next = el('a', 'next', say('moreResults'));
        next.href = pageUrl(res.page + 1);
        next.rel = 'next';
        nav.appendChild(next);
      }
    }
  }
  function start() {
    var p = params();
    /* The query in the title, so that tabs, history and bookmarks tell searches apart. */
    if (p.q.trim()) document.title = say('searchTitle', { q: p.q.trim(), title: document.title });
    var q = document.getElementById('search-q');
    if (q) q.value = p.q;
    var tag = document.getElementById('search-tag');
    if (tag) {
      tag.value = p.tag;
      tag.addEventListener('focus', function () {
        var list = document.getElementById('search-tags');
        if (!list || list.childElementCount) return;
        get('tags.json', 'json').then(function (tags) {
          (tags || []).forEach(function (t) {
            var o = el('option');
            o.value = t[1];
            list.appendChild(o);
          });
        });
      });
    }
    var sort = document.getElementById('search-sort');
    if (sort) sort.value = p.sort;
    // Empty fields stay out of the URL, so shared links stay short.
    var form = document.getElementById('search-form');
    if (form) {
      form.addEventListener('submit', function () {
        Array.prototype.forEach.call(form.elements, function (f) {
          if (f.name && !f.value) f.disabled = true;
        });
        setTimeout(function () {
          Array.prototype.forEach.call(form.elements, function (f) { f.disabled = false; });
        }, 0);
      });
    }
    var status = document.getElementById('search-status');
    if (status && (p.q || p.section || p.source || p.tag || p.year)) status.textContent = say('searching');
    get('meta.json', 'json').then(function (meta) {
      if (!meta) throw new Error('no index');
      if (meta.version !== INDEX_VERSION) {
        if (status) status.textContent = 'Search is not available: this search.js reads index format ' + INDEX_VERSION +
          ' and the site\u2019s index is format ' + meta.version + '. Replace static/search.js with the new one (broadsheet eject --force) or delete it.';
        return;
      }
      /* A filter given by its name (`section=Politics`, as a reader types it) is its slug. */
      p.section = slugIn(meta.sections, p.section);
      p.source = slugIn(meta.sources, p.source);
      fill(document.getElementById('search-section'), meta.sections, p.section);
      fill(document.getElementById('search-source'), meta.sources, p.source);
      fill(document.getElementById('search-year'), meta.years.map(function (y) { return [String(y[0]), String(y[0])]; }), p.year);
      return answer(meta, p).then(function (res) { render(res, p); });
    }).catch(function () {
      if (status) status.textContent = say('unavailable');
    });
  }
  window.broadsheetSearch = { fold: fold, words: words, partialStem: partialStem };
  if (document.getElementById('search-results')) start();
})();
