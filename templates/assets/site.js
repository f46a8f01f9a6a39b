// runbook: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Lets styles (and the browser tests) know the script loaded and ran.
  document.documentElement.setAttribute("data-js", "ready");
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// pages may not be a secure context: fall back to a hidden textarea.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (error) { reject(error); }
      finally { document.body.removeChild(area); }
    });
  }
  document.querySelectorAll(".code .copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.parentElement.querySelector("pre code");
      if (!code) { return; }
      copyText(code.textContent).then(function () {
        button.textContent = "Copied";
        button.classList.add("done");
      }, function () {
        button.textContent = "Select and copy";
      });
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("done"); }, 2000);
    });
  });
})();

// Search: the index comes as <script> files (search/*.js), since a page opened from file://
// cannot fetch. Tokenizing, symptom matching and scoring mirror RunbookCore's ErrorTokenizer,
// SymptomMatcher and SearchEngine exactly, so the site and `runbook search` agree.
(function () {
  "use strict";
  var form = document.querySelector("form.search[data-root]");
  if (!form) { return; }
  var root = form.getAttribute("data-root") || "";
  var K1 = 1.2, IMPACT_SCALE = 63, DOCUMENT_IMPACT_SCALE = 255, MAX_TERM_BYTES = 64, MAX_QUERY_TERMS = 32;
  var PHRASE = 0.5, PROXIMITY = 0.2, WINDOW = 8;
  var PAGE_BOOST = 1000, PAGE_SCORE_WEIGHT = 10, DOC_BOOST = 30, SECTION_BOOST = 20;
  var SECONDARY = 0.5, HINT_ONLY = 0.5, ROUNDING = 1e6;
  var FURTHER_SIGNATURE = 0.25, HINT = 0.5, MAX_HINT = 1.0;
  var LIMIT = 10;

  // ---- Loading shards ----
  var state = { meta: null, terms: {}, symptoms: {}, records: {}, loading: {} };
  var api = window.RunbookSearch = {
    meta: function (m) { state.meta = m; },
    terms: function (n, unitTerms, documentTerms) { state.terms[n] = { u: unitTerms, d: documentTerms }; },
    symptom: function (n, documents, units) { state.symptoms[n] = { d: decodeList(documents), u: decodeList(units) }; },
    records: function (n, documents, firstUnit, units) { state.records[n] = { documents: documents, firstUnit: firstUnit, units: units }; }
  };
  function load(path) {
    if (!state.loading[path]) {
      state.loading[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + path;
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error("cannot load " + path)); };
        document.head.appendChild(script);
      });
    }
    return state.loading[path];
  }

  // ---- Bytes ----
  function base64(text) {
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(text); }
    var binary = atob(text), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
    return out;
  }
  // A list of ascending ids, stored as varint deltas, into an Int32Array.
  function decodeList(text) {
    var bytes = base64(text), end = bytes.length, out = new Int32Array(end), n = 0, o = 0, value = 0, delta, factor, b;
    while (o < end) {
      delta = 0; factor = 1;
      do { b = bytes[o++]; delta += (b & 0x7f) * factor; factor *= 128; } while (b >= 0x80 && o < end);
      value += delta;
      out[n++] = value;
    }
    return out.subarray(0, n);
  }

  // ---- Tokenizer (ErrorTokenizer) ----
  function isAlnum(c) { return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90); }
  function isConnector(c) { return c === 46 || c === 58 || c === 47 || c === 45 || c === 95; }
  function isWord(cp) {
    if (cp < 0x80) { return isAlnum(cp); }
    if (cp === 0xa0 || (cp >= 0x2000 && cp <= 0x207f)) { return false; }
    return true;
  }
  function utf8Length(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0x80) { n += 1; } else if (c < 0x800) { n += 2; } else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else { n += 3; }
    }
    return n;
  }
  // Calls emit(term, position, isCompound, start, end) (UTF-16 offsets), like ErrorTokenizer.scan.
  function scan(text, emit) {
    var position = 0, i = 0, n = text.length;
    var compound = "", compoundParts = 0, compoundPosition = 0, compoundStart = 0, compoundEnd = 0;
    function cpAt(k) { var c = text.codePointAt(k); return c; }
    function cpLen(c) { return c > 0xffff ? 2 : 1; }
    function flush() {
      if (compoundParts >= 2 && utf8Length(compound) <= MAX_TERM_BYTES) { emit(compound, compoundPosition, true, compoundStart, compoundEnd); }
      compound = ""; compoundParts = 0;
    }
    while (i < n) {
      var cp = cpAt(i);
      if (!isWord(cp)) {
        if (isConnector(cp) && compoundParts > 0) {
          var j = i;
          while (j < n && isConnector(text.charCodeAt(j)) && j - i < 3) { j++; }
          if (j - i <= 2 && j < n && isWord(cpAt(j))) { compound += text.slice(i, j); i = j; continue; }
          flush(); i = j; continue;
        }
        if (cp === 92 && i + 1 < n && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 116 || text.charCodeAt(i + 1) === 114)) {
          flush(); i += 2; continue;
        }
        flush(); i += cpLen(cp); continue;
      }
      var part = "", partStart = i;
      while (i < n) {
        var c = cpAt(i);
        if (isWord(c)) {
          var ch = String.fromCodePoint(c);
          part += (c >= 65 && c <= 90) ? ch.toLowerCase() : ch;
          i += cpLen(c);
          continue;
        }
        if ((c === 39 || c === 0x2019) && part.length > 0 && i + 1 < n && isWord(cpAt(i + 1))) { part += "'"; i += 1; continue; }
        break;
      }
      if (compoundParts === 0) { compoundPosition = position; compoundStart = partStart; }
      compoundEnd = i;
      compoundParts += 1;
      compound += part;
      if (utf8Length(part) <= MAX_TERM_BYTES) { emit(part, position, false, partStart, i); }
      position += 1;
    }
    flush();
    return position;
  }
  var DURATION_UNITS = { ms: 1, s: 1, m: 1, h: 1, us: 1, ns: 1, d: 1 };
  function isDigit(c) { return c >= 48 && c <= 57; }
  function isHexOrDigits(p) { for (var i = 0; i < p.length; i++) { var c = p.charCodeAt(i); if (!(isDigit(c) || (c >= 97 && c <= 102))) { return false; } } return true; }
  function isAscii(p) { for (var i = 0; i < p.length; i++) { if (p.charCodeAt(i) >= 0x80) { return false; } } return true; }
  function isVolatilePart(p) {
    var digits = 0;
    for (var i = 0; i < p.length; i++) { if (isDigit(p.charCodeAt(i))) { digits++; } }
    if (digits === 0) { return false; }
    var bytes = utf8Length(p);
    if (digits === p.length) { return p.length >= 4; }
    if (bytes >= 6 && isHexOrDigits(p)) { return true; }
    if (bytes >= 8 && isAscii(p)) { return true; }
    var k = 0;
    while (k < p.length && isDigit(p.charCodeAt(k))) { k++; }
    return k > 0 && k < p.length && DURATION_UNITS.hasOwnProperty(p.slice(k));
  }
  function splitParts(compound) { return compound.split(/[.:\/_-]+/).filter(function (x) { return x.length > 0; }); }
  function tokens(text) {
    var pending = [];
    scan(text, function (term, position, isCompound) { pending.push({ term: term, position: position, compound: isCompound }); });
    var numericPositions = {}, volatileCompound = {};
    pending.forEach(function (item) {
      if (!item.compound) { return; }
      var parts = splitParts(item.term);
      var numeric = parts.every(isHexOrDigits) && parts.some(function (p) { return /[0-9]/.test(p); });
      if (numeric) { for (var k = 0; k < parts.length; k++) { numericPositions[item.position + k] = true; } }
      // Numbers joined to numbers (the address in http://10.0.4.7:8080/x) are noise too.
      var digitsOnly = parts.map(function (p) { return /^[0-9]+$/.test(p); });
      for (var m = 0; m < parts.length; m++) {
        if (digitsOnly[m] && ((m > 0 && digitsOnly[m - 1]) || (m + 1 < parts.length && digitsOnly[m + 1]))) { numericPositions[item.position + m] = true; }
      }
      volatileCompound[item.position] = numeric || parts.some(isVolatilePart);
    });
    pending.sort(function (a, b) { return a.position !== b.position ? a.position - b.position : (a.compound ? 0 : 1) - (b.compound ? 0 : 1); });
    return pending.map(function (item) {
      return { term: item.term, position: item.position, compound: item.compound,
               volatile: item.compound ? !!volatileCompound[item.position] : (!!numericPositions[item.position] || isVolatilePart(item.term)) };
    });
  }

  // ---- Symptom matcher (SymptomMatcher) ----
  var matcher = null;
  // The matcher comes compiled in meta.js (SymptomMatcher's pieces and signatures).
  function buildMatcher(meta) {
    var byFirst = {};
    meta.pieces.forEach(function (piece, id) { if (piece.length) { (byFirst[piece[0]] = byFirst[piece[0]] || []).push(id); } });
    return {
      ids: meta.symptoms.map(function (s) { return s.id; }),
      pieces: meta.pieces,
      byFirst: byFirst,
      signatures: meta.signatures.map(function (s) { return { symptom: s[0], hint: s[1] === 1, length: s[2], pieces: s[3] }; })
    };
  }
  function detect(parts) {
    var m = matcher, occurrences = {}, any = false;
    for (var p = 0; p < parts.length; p++) {
      var candidates = m.byFirst.hasOwnProperty(parts[p]) ? m.byFirst[parts[p]] : null;
      if (!candidates) { continue; }
      candidates.forEach(function (piece) {
        var phrase = m.pieces[piece];
        if (p + phrase.length > parts.length) { return; }
        for (var k = 1; k < phrase.length; k++) { if (parts[p + k] !== phrase[k]) { return; } }
        (occurrences[piece] = occurrences[piece] || []).push(p);
        any = true;
      });
    }
    if (!any) { return []; }
    var n = m.ids.length, longest = [], matched = [], hints = [];
    for (var i = 0; i < n; i++) { longest.push(0); matched.push(0); hints.push(0); }
    m.signatures.forEach(function (sig) {
      if (!occurrences[sig.pieces[0]]) { return; }
      var from = 0;
      for (var q = 0; q < sig.pieces.length; q++) {
        var list = occurrences[sig.pieces[q]], start = -1;
        if (list) { for (var r = 0; r < list.length; r++) { if (list[r] >= from) { start = list[r]; break; } } }
        if (start < 0) { return; }
        from = start + m.pieces[sig.pieces[q]].length;
      }
      if (sig.hint) { hints[sig.symptom] += 1; } else { matched[sig.symptom] += 1; longest[sig.symptom] = Math.max(longest[sig.symptom], sig.length); }
    });
    var out = [];
    for (var s = 0; s < n; s++) {
      var score = 0;
      if (matched[s] > 0) { score = longest[s] + FURTHER_SIGNATURE * (matched[s] - 1); }
      score += Math.min(MAX_HINT, HINT * hints[s]);
      if (score > 0) { out.push({ id: m.ids[s], score: score, strong: matched[s] > 0 }); }
    }
    return out.sort(function (a, b) { return a.score !== b.score ? b.score - a.score : (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
  }

  // ---- Query (PreparedQuery) ----
  function prepare(text) {
    var all = tokens(text);
    var symptoms = detect(all.filter(function (t) { return !t.compound; }).map(function (t) { return t.term; }));
    var signal = all.filter(function (t) { return !t.volatile; });
    var used = signal.length ? signal : all;
    var terms = [], indexOf = {}, partAt = {};
    used.forEach(function (t) {
      var index;
      if (indexOf.hasOwnProperty(t.term)) { index = indexOf[t.term]; } else {
        if (terms.length >= MAX_QUERY_TERMS) { return; }
        index = terms.length; indexOf[t.term] = index; terms.push(t.term);
      }
      if (!t.compound) { partAt[t.position] = index; }
    });
    var pairs = [], seen = {};
    Object.keys(partAt).map(Number).sort(function (a, b) { return a - b; }).forEach(function (p) {
      if (!partAt.hasOwnProperty(p + 1)) { return; }
      var a = partAt[p], b = partAt[p + 1];
      if (a === b || seen[a * MAX_QUERY_TERMS + b]) { return; }
      seen[a * MAX_QUERY_TERMS + b] = true;
      pairs.push([a, b]);
    });
    return { terms: terms, pairs: pairs, symptoms: symptoms };
  }
  function fnv(term) {
    var bytes = unescape(encodeURIComponent(term)), hash = 2166136261;
    for (var i = 0; i < bytes.length; i++) { hash = Math.imul(hash ^ bytes.charCodeAt(i), 16777619) >>> 0; }
    return hash >>> 0;
  }
  function shardOf(term) { return fnv(term) % state.meta.shards; }

  // ---- Ranking (SearchEngine.rank) ----
  // Ranking runs once, on a cold page: its loops over postings are small functions of their own
  // (quick for the engine to compile, and each compiled with the feedback of its own loop only),
  // writing into typed arrays sized up front; positions are read only for the sections both
  // terms of a pair stand on.
  function idf(df, count) { return Math.log(1 + (count - df + 0.5) / (df + 0.5)); }
  // Adds one term's unit postings (unit delta varint, packed impact and position count, position
  // varints) to unitScore; `impactScore[i]` is w * i * scale. A unit joins `touched` (which holds
  // n) when its score leaves 0; returns the new n. (Nothing after the loop but the return: the
  // engine compiles the loop while it runs, and code it has not seen run would throw that away.)
  function addPostings(bytes, unitCount, unitScore, impactScore, touched, n) {
    var end = bytes.length, o = 0, unit = 0, b, packed, count, delta, factor;
    while (o < end) {
      delta = 0; factor = 1;
      do { b = bytes[o++]; delta += (b & 0x7f) * factor; factor *= 128; } while (o < end && b >= 0x80);
      unit += delta;
      if (o >= end || unit >= unitCount) { break; }
      packed = bytes[o++];
      if (unitScore[unit] === 0) { touched[n++] = unit; }
      unitScore[unit] += impactScore[packed >> 2];
      // Past its positions: `count` varints, each ending on a byte below 0x80.
      for (count = packed & 3; count > 0 && o < end;) { if (bytes[o++] < 0x80) { count--; } }
    }
    return n;
  }
  // The same, noting each posting's unit and the offset of its packed byte (for the pairs; the
  // offsets are 1 or more, so the first 0 in `at` ends the list).
  function addPostingsNoting(bytes, unitCount, unitScore, impactScore, touched, n, units, at) {
    var end = bytes.length, o = 0, unit = 0, k = 0, b, packed, count, delta, factor;
    while (o < end) {
      delta = 0; factor = 1;
      do { b = bytes[o++]; delta += (b & 0x7f) * factor; factor *= 128; } while (o < end && b >= 0x80);
      unit += delta;
      if (o >= end || unit >= unitCount) { break; }
      packed = bytes[o];
      units[k] = unit; at[k] = o; k++;
      o++;
      if (unitScore[unit] === 0) { touched[n++] = unit; }
      unitScore[unit] += impactScore[packed >> 2];
      // Past its positions: `count` varints, each ending on a byte below 0x80.
      for (count = packed & 3; count > 0 && o < end;) { if (bytes[o++] < 0x80) { count--; } }
    }
    return n;
  }
  // A posting's positions (up to 3) from its packed byte at `at`, into `out`; returns how many.
  function positionsAt(bytes, at, out) {
    var end = bytes.length, count = bytes[at] & 3, o = at + 1, position = 0, b, value, f;
    for (var c = 0; c < count; c++) {
      value = 0; f = 1;
      do { b = bytes[o++]; value += (b & 0x7f) * f; f *= 128; } while (o < end && b >= 0x80);
      position += value;
      out[c] = position;
    }
    return count;
  }
  var leftPositions = new Float64Array(3), rightPositions = new Float64Array(3);
  // A pair's phrase (distance 1) or proximity (up to WINDOW) bonus, on the units both terms stand on.
  function addPair(left, right, unitScore, phraseScore, proximityScore) {
    var lu = left.units, la = left.at, lb = left.bytes, ln = left.length;
    var ru = right.units, ra = right.at, rb = right.bytes, rn = right.length;
    var i = 0, j = 0, a, c, lc, rc, best, p, r, distance, near, exact;
    while (i < ln && j < rn) {
      a = lu[i]; c = ru[j];
      if (a < c) { i++; continue; }
      if (a > c) { j++; continue; }
      lc = positionsAt(lb, la[i], leftPositions);
      rc = positionsAt(rb, ra[j], rightPositions);
      best = Infinity;
      for (p = 0; p < lc; p++) {
        for (r = 0; r < rc; r++) {
          distance = rightPositions[r] - leftPositions[p];
          if (distance > 0 && distance < best) { best = distance; }
        }
      }
      // Added on every shared unit (+0 when the terms are far apart leaves the score as it is),
      // so no branch here runs for the first time late and throws the compiled loop away.
      near = best <= WINDOW; exact = best === 1;
      unitScore[a] += exact ? phraseScore : near ? proximityScore : 0;
      i++; j++;
    }
  }
  function boostDocuments(docs, documentCount, page, pageBoost, boost, docBoost) {
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      if (doc >= documentCount) { continue; }
      var value = page === doc ? pageBoost : boost;
      if (value > docBoost[doc]) { docBoost[doc] = value; }
    }
  }
  // One symptom's sections (a sorted list): each gets the boost once.
  function boostSections(list, unitCount, boost, unitScore, touched, n) {
    var previous = -1;
    for (var k = 0; k < list.length; k++) {
      var unit = list[k];
      if (unit >= unitCount || unit === previous) { continue; }
      previous = unit;
      if (unitScore[unit] === 0) { touched[n++] = unit; }
      unitScore[unit] += boost;
    }
    return n;
  }
  // Several symptoms: each section's largest boost, in the order first seen.
  function collectSections(list, unitCount, boost, sectionBoost, sectionUnits) {
    for (var k = 0; k < list.length; k++) {
      var unit = list[k];
      if (unit >= unitCount) { continue; }
      if (sectionBoost[unit] === 0) { sectionUnits.push(unit); }
      if (boost > sectionBoost[unit]) { sectionBoost[unit] = boost; }
    }
  }
  function addDocumentPostings(bytes, w, documentScale, documentCount, docScore) {
    var end = bytes.length, o = 0, doc = 0, delta, factor, b;
    while (o < end) {
      delta = 0; factor = 1;
      do { b = bytes[o++]; delta += (b & 0x7f) * factor; factor *= 128; } while (o < end && b >= 0x80);
      doc += delta;
      if (o >= end || doc >= documentCount) { break; }
      docScore[doc] += w * bytes[o++] * documentScale;
    }
  }
  // Each document's best unit (the earliest on ties).
  function bestUnits(touched, count, unitDocument, unitScore, bestScore, bestUnit) {
    for (var t = 0; t < count; t++) {
      var u = touched[t], d = unitDocument[u], s = unitScore[u];
      if (s > bestScore[d] || (s === bestScore[d] && u < bestUnit[d])) { bestScore[d] = s; bestUnit[d] = u; }
    }
  }
  // The top LIMIT, by score then document order (documents come in order: an equal score
  // never displaces an earlier one).
  function topHits(documentCount, docScore, docBoost, bestScore, bestUnit, firstUnits) {
    var hits = [];
    for (var doc = 0; doc < documentCount; doc++) {
      var extra = docScore[doc] + docBoost[doc];
      if (bestUnit[doc] < 0 && !(extra > 0)) { continue; }
      var total = Math.max(bestScore[doc], 0) + extra;
      var rounded = Math.round(total * ROUNDING) / ROUNDING;
      if (hits.length === LIMIT && rounded <= hits[hits.length - 1].score) { continue; }
      var place = hits.length;
      while (place > 0 && hits[place - 1].score < rounded) { place--; }
      hits.splice(place, 0, { document: doc, unit: bestUnit[doc] >= 0 ? bestUnit[doc] : firstUnits[doc], score: rounded });
      if (hits.length > LIMIT) { hits.pop(); }
    }
    return hits;
  }
  // Ranks in steps, so the work runs while the query's shards still load: beginRank when the
  // query is known, advanceRank as each shard comes (it adds the terms whose shards are in, in
  // query order: a unit's score sums its terms in that order), finishRank once all have loaded
  // (a shard that loaded without its terms counts as empty, as before).
  function beginRank(q) {
    var meta = state.meta, pairTerms = {};
    q.pairs.forEach(function (p) { pairTerms[p[0]] = true; pairTerms[p[1]] = true; });
    return { q: q, next: 0, pairTerms: pairTerms, unitIdf: [], lists: [],
             unitScore: new Float64Array(meta.units), touched: new Int32Array(1024), touchedCount: 0,
             impactScore: new Float64Array(64), docScore: new Float64Array(meta.documents) };
  }
  // `touched` with room for `more` entries.
  function reserve(r, more) {
    if (r.touchedCount + more <= r.touched.length) { return; }
    var grown = new Int32Array(Math.max(r.touched.length * 2, r.touchedCount + more));
    grown.set(r.touched.subarray(0, r.touchedCount));
    r.touched = grown;
  }
  function advanceRank(r, last) {
    var meta = state.meta, unitCount = meta.units, documentCount = meta.documents, q = r.q;
    var scale = (K1 + 1) / IMPACT_SCALE, documentScale = (K1 + 1) / DOCUMENT_IMPACT_SCALE, k;
    while (r.next < q.terms.length) {
      var t = r.next, term = q.terms[t], shard = state.terms[shardOf(term)];
      if (!shard && !last) { return; }
      r.next++;
      var entry = shard && shard.u.hasOwnProperty(term) ? shard.u[term] : null;
      r.unitIdf.push(entry ? idf(entry[0], unitCount) : 0);
      r.lists.push(null);
      if (entry) {
        var bytes = base64(entry[1]), impactScore = r.impactScore;
        for (k = 0; k < 64; k++) { impactScore[k] = r.unitIdf[t] * k * scale; }
        // Every posting takes 2 bytes or more.
        reserve(r, bytes.length >> 1);
        if (r.pairTerms[t]) {
          var size = (bytes.length >> 1) + 1, units = new Int32Array(size), at = new Int32Array(size);
          r.touchedCount = addPostingsNoting(bytes, unitCount, r.unitScore, impactScore, r.touched, r.touchedCount, units, at);
          r.lists[t] = { units: units, at: at, length: at.indexOf(0), bytes: bytes };
        } else {
          r.touchedCount = addPostings(bytes, unitCount, r.unitScore, impactScore, r.touched, r.touchedCount);
        }
      }
      var documentEntry = shard && shard.d.hasOwnProperty(term) ? shard.d[term] : null;
      if (documentEntry) { addDocumentPostings(base64(documentEntry[1]), idf(documentEntry[0], documentCount), documentScale, documentCount, r.docScore); }
    }
  }
  function finishRank(r) {
    var meta = state.meta, unitCount = meta.units, documentCount = meta.documents, q = r.q, unitScore = r.unitScore, k;
    advanceRank(r, true);
    q.pairs.forEach(function (pair) {
      var left = r.lists[pair[0]], right = r.lists[pair[1]];
      if (!left || !right) { return; }
      var weight = r.unitIdf[pair[0]] + r.unitIdf[pair[1]];
      addPair(left, right, unitScore, PHRASE * weight, PROXIMITY * weight);
    });
    var symptomLists = [];
    q.symptoms.forEach(function (detection, position) {
      var symptom = meta.symptomIndex[detection.id];
      if (symptom === undefined || !state.symptoms[symptom]) { return; }
      symptomLists.push({ detection: detection, position: position, symptom: symptom });
      reserve(r, state.symptoms[symptom].u.length);
    });
    var docBoost = new Float64Array(documentCount);
    var sectionBoost = symptomLists.length > 1 ? new Float64Array(unitCount) : null, sectionUnits = [];
    symptomLists.forEach(function (item) {
      var detection = item.detection, symptom = item.symptom, about = state.symptoms[symptom];
      var factor = (item.position === 0 ? 1 : SECONDARY) * (detection.strong ? 1 : HINT_ONLY);
      boostDocuments(about.d, documentCount, meta.symptoms[symptom].page, PAGE_BOOST + PAGE_SCORE_WEIGHT * detection.score, DOC_BOOST * factor, docBoost);
      if (sectionBoost) { collectSections(about.u, unitCount, SECTION_BOOST * factor, sectionBoost, sectionUnits); }
      else { r.touchedCount = boostSections(about.u, unitCount, SECTION_BOOST * factor, unitScore, r.touched, r.touchedCount); }
    });
    if (sectionBoost) {
      for (k = 0; k < sectionUnits.length; k++) {
        var unit = sectionUnits[k];
        if (unitScore[unit] === 0) { r.touched[r.touchedCount++] = unit; }
        unitScore[unit] += sectionBoost[unit];
      }
    }
    var bestScore = new Float64Array(documentCount).fill(-1), bestUnit = new Int32Array(documentCount).fill(-1);
    bestUnits(r.touched, r.touchedCount, meta.unitDocument, unitScore, bestScore, bestUnit);
    return topHits(documentCount, r.docScore, docBoost, bestScore, bestUnit, meta.firstUnitList);
  }

  function ensureMeta() {
    return load("search/meta.js").then(function () {
      var meta = state.meta;
      if (!meta.firstUnitList) {
        meta.firstUnitList = decodeList(meta.firstUnits);
        meta.unitDocument = new Int32Array(meta.units);
        for (var d = 0; d < meta.firstUnitList.length; d++) {
          meta.unitDocument.fill(d, meta.firstUnitList[d], d + 1 < meta.firstUnitList.length ? meta.firstUnitList[d + 1] : meta.units);
        }
        meta.symptomIndex = {};
        meta.symptoms.forEach(function (s, i) { meta.symptomIndex[s.id] = i; });
        matcher = buildMatcher(meta);
      }
    });
  }
  // Runs a query: loads the shards it needs, ranks, then loads the records it shows.
  function search(text) {
    return ensureMeta().then(function () {
      var q = prepare(text), needed = {};
      q.terms.forEach(function (term) { needed["search/t/" + shardOf(term) + ".js"] = true; });
      q.symptoms.forEach(function (d) {
        var i = state.meta.symptomIndex[d.id];
        if (i !== undefined) { needed["search/s/" + i + ".js"] = true; }
      });
      var ranking = beginRank(q);
      return Promise.all(Object.keys(needed).map(function (path) {
        return load(path).then(function () { advanceRank(ranking); });
      })).then(function () {
        var hits = finishRank(ranking), records = {};
        hits.forEach(function (h) {
          records["search/r/" + Math.floor(h.document / state.meta.documentsPerChunk) + ".js"] = true;
        });
        return Promise.all(Object.keys(records).map(load)).then(function () { return { query: q, hits: hits.map(describe) }; });
      });
    });
  }
  function describe(hit) {
    var meta = state.meta;
    var chunk = state.records[Math.floor(hit.document / meta.documentsPerChunk)];
    var d = chunk.documents[hit.document % meta.documentsPerChunk];
    var u = chunk.units[hit.unit - chunk.firstUnit];
    return { kind: d[0], path: d[1], title: d[2], app: d[3], url: d[4] + (u[2] ? "#" + u[2] : ""), id: d[5] || d[1],
             line: u[0], section: u[1], excerpt: u[3], score: hit.score, document: hit.document, unit: hit.unit };
  }
  api.search = search;
  api.prepare = function (text) { return ensureMeta().then(function () { return prepare(text); }); };

  // ---- Showing results ----
  function highlighted(text, terms) {
    var wanted = {}, out = document.createDocumentFragment(), cursor = 0;
    terms.forEach(function (t) { wanted[t] = true; });
    scan(text, function (term, position, isCompound, start, end) {
      if (isCompound || !wanted[term] || start < cursor) { return; }
      out.appendChild(document.createTextNode(text.slice(cursor, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      out.appendChild(mark);
      cursor = end;
    });
    out.appendChild(document.createTextNode(text.slice(cursor)));
    return out;
  }
  function resultItem(result, terms, tag) {
    var item = document.createElement(tag);
    item.className = "search-hit kind-" + result.kind;
    item.setAttribute("data-id", result.id);
    var link = document.createElement("a");
    link.href = root + result.url;
    var kind = document.createElement("span");
    kind.className = "badge kind-badge";
    kind.textContent = result.kind;
    var title = document.createElement("span");
    title.className = "hit-title";
    title.textContent = result.title;
    link.appendChild(kind);
    link.appendChild(document.createTextNode(" "));
    link.appendChild(title);
    item.appendChild(link);
    var where = document.createElement("div");
    where.className = "meta hit-where";
    where.textContent = (result.app ? result.app + " · " : "") + (result.section ? "§ " + result.section : "");
    if (where.textContent) { item.appendChild(where); }
    if (result.excerpt) {
      var excerpt = document.createElement("div");
      excerpt.className = "hit-excerpt";
      excerpt.appendChild(highlighted(result.excerpt, terms));
      item.appendChild(excerpt);
    }
    return item;
  }

  var input = document.getElementById("rb-search");
  var panel = document.getElementById("rb-search-results");
  var pageInput = document.getElementById("rb-search-page");
  var pageList = document.getElementById("rb-search-list");
  var pageStatus = document.getElementById("rb-search-status");
  var generation = 0, selected = -1;

  function render(container, response, tag) {
    container.textContent = "";
    response.hits.forEach(function (hit, i) {
      var item = resultItem(hit, response.query.terms, tag);
      item.id = container.id + "-" + i;
      item.setAttribute("role", "option");
      container.appendChild(item);
    });
  }
  function run(text, target) {
    var mine = ++generation, started = performance.now();
    if (!text.trim()) {
      if (target === "panel") { panel.hidden = true; panel.textContent = ""; }
      return;
    }
    search(text).then(function (response) {
      if (mine !== generation) { return; }
      selected = -1;
      if (target === "panel") {
        render(panel, response, "div");
        panel.hidden = response.hits.length === 0;
      } else {
        render(pageList, response, "li");
        var symptoms = response.query.symptoms.map(function (s) { return s.id; });
        var elapsed = performance.now() - started;
        pageStatus.textContent = (response.hits.length ? response.hits.length + " results" : "No results") +
          (symptoms.length ? " · symptom: " + symptoms.join(", ") : "") +
          " · " + Math.round(elapsed) + " ms";
        // For tests and benchmarks: how long it took and which index files the page has loaded.
        document.documentElement.setAttribute("data-search-ms", elapsed.toFixed(1));
        document.documentElement.setAttribute("data-search-files", Object.keys(state.loading).join(" "));
        document.documentElement.setAttribute("data-search", "done");
      }
    }, function (error) {
      if (target !== "panel") { pageStatus.textContent = "Search index not available: " + error.message; }
      document.documentElement.setAttribute("data-search", "error");
    });
  }
  function move(container, step) {
    var items = container.querySelectorAll(".search-hit");
    if (!items.length) { return; }
    selected = (selected + step + items.length) % items.length;
    items.forEach(function (item, i) { item.classList.toggle("selected", i === selected); item.setAttribute("aria-selected", i === selected ? "true" : "false"); });
    items[selected].scrollIntoView({ block: "nearest" });
  }
  function open(container) {
    var item = container.querySelectorAll(".search-hit")[selected];
    if (item) { window.location.href = item.querySelector("a").href; return true; }
    return false;
  }
  function keys(field, container) {
    field.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { move(container, 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { move(container, -1); event.preventDefault(); }
      else if (event.key === "Enter" && !event.shiftKey && selected >= 0) { if (open(container)) { event.preventDefault(); } }
      else if (event.key === "Escape" && container === panel) { panel.hidden = true; }
    });
  }
  if (pageInput) {
    // The search page: the query comes from ?q= and results show in the page.
    if (input) { input.closest("form").classList.add("on-search-page"); }
    var params = new URLSearchParams(window.location.search);
    var initial = params.get("q") || "";
    pageInput.value = initial;
    pageStatus.textContent = initial ? "Searching…" : "Type or paste an error.";
    pageInput.addEventListener("input", function () {
      run(pageInput.value, "page");
      var url = new URL(window.location.href);
      url.searchParams.set("q", pageInput.value);
      try { history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
    });
    keys(pageInput, pageList);
    // The index's entry file loads with the page, so a search waits only for its own parts.
    ensureMeta().then(function () { if (pageInput.value) { run(pageInput.value, "page"); } }, function (error) {
      pageStatus.textContent = "Search index not available: " + error.message;
    });
  }
  if (input && panel) {
    input.addEventListener("input", function () { run(input.value, "panel"); });
    input.addEventListener("focus", function () { ensureMeta().catch(function () {}); });
    keys(input, panel);
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) { panel.hidden = true; } });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target, typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing) { (pageInput || input).focus(); event.preventDefault(); }
  });
})();
