// The argmap report: overview, layered map, key point cards, claims and drill-down.
// Every piece of corpus text reaches the page through textContent or createTextNode only.
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("argmap-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var MAX_CLAIMS_PER_KP = 3;
  var LIST_PAGE = 100;

  // ------------------------------------------------------------------ indexes
  var labelNames = DATA.labels.map(function (l) { return l.name; });
  var colourOf = {};
  DATA.labels.forEach(function (l) { colourOf[l.name] = l.colour; });
  var claimById = {}, docById = {}, kpById = {}, positionByStance = {};
  DATA.claims.forEach(function (c) { claimById[c.id] = c; });
  DATA.documents.forEach(function (d) { docById[d.doc_id] = d; });
  DATA.key_points.forEach(function (k) { kpById[k.id] = k; });
  DATA.positions.forEach(function (p) { positionByStance[p.stance] = p; });
  var claimsByDoc = {}, repliesOf = {};
  DATA.claims.forEach(function (c) { (claimsByDoc[c.doc_id] = claimsByDoc[c.doc_id] || []).push(c); });
  Object.keys(claimsByDoc).forEach(function (k) {
    claimsByDoc[k].sort(function (a, b) { return a.start_char - b.start_char; });
  });
  DATA.documents.forEach(function (d) {
    if (d.parent_doc_id) (repliesOf[d.parent_doc_id] = repliesOf[d.parent_doc_id] || []).push(d);
  });
  var relOut = {}, relIn = {}, docRel = {};
  DATA.relations.forEach(function (r) {
    if (r.level === "document") {
      var key = r.source_id + "\u0000" + r.target_id;
      // A support or attack edge says more than the plain reply edge beside it.
      if (!docRel[key] || docRel[key].relation === "reply") docRel[key] = r;
      return;
    }
    (relOut[r.source_id] = relOut[r.source_id] || []).push(r);
    (relIn[r.target_id] = relIn[r.target_id] || []).push(r);
  });
  var byStrength = DATA.claims.slice().sort(function (a, b) {
    return b.strength_score - a.strength_score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  // ------------------------------------------------------------------ DOM helpers: elements and text nodes only
  function el(tag, attrs) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") e.setAttribute("class", v);
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    });
  }
  function add(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(parent, c); }); return; }
    if (typeof child === "string" || typeof child === "number") parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function pct(x) { return Math.round(x * 100) + "%"; }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }
  function stat(n, one, many) {
    return el("span", null, el("b", null, String(n)), " " + (n === 1 ? one : (many || one + "s")));
  }
  function shorten(text, n) {
    var t = String(text).replace(/\s+/g, " ").trim();
    return t.length > n ? t.slice(0, n - 1) + "\u2026" : t;
  }
  // The person behind a claim or document: one name per person on a page; "" when the page names nobody.
  function who(x) {
    var s = x && x.speaker;
    return s && s.indexOf("unnamed, ") !== 0 ? s : "";
  }
  function docLabel(d) {
    if (!d) return "(unknown document)";
    if (d.kind === "article") return d.title || d.source;
    var root = d, guard = 0;
    while (root && root.parent_doc_id && guard++ < 50) root = docById[root.parent_doc_id];
    var on = root && root !== d ? " on \u201c" + shorten(root.title || root.source, 50) + "\u201d" : "";
    return "Comment #" + (d.comment_n || "?") + (who(d) ? " by " + who(d) : "") + on;
  }
  function swatch(stance, cls) {
    var s = el("span", { class: cls || "dot" });
    s.style.background = colourOf[stance] || "#999";
    return s;
  }

  // ------------------------------------------------------------------ state <-> URL
  var KEYS = ["stance", "corpus", "doc", "author", "q", "claim", "read"];
  var state = {};
  var expanded = {};
  var listLimit = LIST_PAGE;
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var s = {};
    KEYS.forEach(function (k) { s[k] = params.get(k) || ""; });
    if (s.stance && labelNames.indexOf(s.stance) < 0) s.stance = "";
    return s;
  }
  function writeHash() {
    var params = new URLSearchParams();
    KEYS.forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    var hash = params.toString();
    var target = hash ? "#" + hash : location.pathname + location.search;
    if (("#" + hash) === location.hash || (!hash && !location.hash)) return;
    try { history.replaceState(null, "", target); } catch (e) { location.replace("#" + hash); }
  }

  function matches(c) {
    if (state.stance && c.stance !== state.stance) return false;
    if (state.corpus && c.corpus !== state.corpus) return false;
    if (state.doc && c.doc_id !== state.doc) return false;
    if (state.author && who(c) !== state.author) return false;
    if (state.q) {
      var text = c.text.toLowerCase();
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }
  function filtering() { return !!(state.stance || state.corpus || state.doc || state.author || state.q); }

  // ------------------------------------------------------------------ page skeleton
  var app = document.getElementById("app");
  clear(app);
  var overview = el("section", { id: "overview" });
  var filters = el("section", { id: "filters", "aria-label": "Filters" });
  var mapSection = el("section", { id: "map" });
  var kpSection = el("section", { id: "key-points" });
  var claimsSection = el("section", { id: "claims" });
  var drill = el("aside", { id: "drill", hidden: "hidden", "aria-label": "Source and thread" });
  add(app, [overview, filters, mapSection, kpSection, claimsSection]);
  document.body.appendChild(drill);

  // ------------------------------------------------------------------ overview
  function renderOverview() {
    var S = DATA.summary;
    add(overview, el("h2", null, "The debate at a glance"));
    var bar = el("div", { class: "sharebar", role: "img", "aria-label": "Share of claims per position" });
    DATA.positions.forEach(function (p) {
      var seg = el("span", { title: p.stance + ": " + pct(p.share_of_claims) + " of claims" });
      seg.style.width = (p.share_of_claims * 100) + "%";
      seg.style.background = colourOf[p.stance];
      bar.appendChild(seg);
    });
    add(overview, bar);
    var grid = el("div", { class: "positions" });
    DATA.positions.forEach(function (p) {
      var toggle = function () { setFilter("stance", state.stance === p.stance ? "" : p.stance); };
      var card = el("div", { class: "pos-card", role: "button", tabindex: "0", "data-stance": p.stance,
        title: "Show only " + p.stance + " claims (click again for all)", onclick: toggle,
        onkeydown: function (ev) { if (ev.key === "Enter" && ev.target === card) toggle(); } });
      card.style.borderTopColor = colourOf[p.stance];
      var strongest = el("ol");
      p.strongest_claim_ids.slice(0, 3).forEach(function (id) {
        var c = claimById[id];
        if (!c) return;
        strongest.appendChild(el("li", null, el("span", { class: "link", role: "link", tabindex: "0",
          onclick: function (ev) { ev.stopPropagation(); openClaim(id); },
          onkeydown: function (ev) { if (ev.key === "Enter") { ev.stopPropagation(); openClaim(id); } } },
          "\u201c" + shorten(c.text, 110) + "\u201d"), el("span", { class: "muted" }, who(c) ? " \u2014 " + who(c) : "")));
      });
      add(card, [
        el("div", { class: "name" }, p.stance),
        el("div", { class: "share", title: "share of claims" }, pct(p.share_of_claims)),
        el("div", { class: "small people", title: "people whose claims mostly take this position, of everyone who made a claim" },
          p.n_people_leaning + " of " + plural(S.people, "person", "people") + " lean this way"),
        el("div", { class: "stats" }, stat(p.n_claims, "claim"), stat(p.n_documents, "document"),
          stat(p.n_people, "person", "people"), stat(p.key_point_ids.length, "key point")),
        el("div", { class: "desc" }, p.description),
        p.authors.length ? el("div", { class: "small" }, el("span", { class: "muted" }, "Who: "), shorten(p.authors.join(", "), 160)) : null,
        strongest.childNodes.length ? el("div", { class: "small muted" }, "Strongest claims:") : null,
        strongest.childNodes.length ? strongest : null,
      ]);
      grid.appendChild(card);
    });
    add(overview, grid);

    var run = DATA.run || {};
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v)); }
    row("corpora", (run.corpora || []).join(", "));
    row("articles", String(S.documents));
    row("comments", String(S.comments));
    row("sentences", String(S.sentences));
    row("claims", String(S.claims) + " (" + S.noise_claims + " not grouped into a key point)");
    row("key points", String(S.key_points));
    row("relations", String(DATA.relations.filter(function (r) { return r.relation !== "reply"; }).length) + " support/attack, " +
      String(DATA.relations.filter(function (r) { return r.relation === "reply"; }).length) + " replies");
    Object.keys(run).sort().forEach(function (k) {
      if (k === "corpora" || k === "params") return;
      var v = run[k];
      row(k.replace(/_/g, " "), typeof v === "object" ? JSON.stringify(v) : String(v));
    });
    var params = run.params || {};
    var flat = [];
    (function walk(prefix, obj) {
      Object.keys(obj).sort().forEach(function (k) {
        var v = obj[k], key = prefix ? prefix + "." + k : k;
        if (v && typeof v === "object" && !Array.isArray(v)) walk(key, v); else flat.push(key + "=" + JSON.stringify(v));
      });
    })("", params);
    if (flat.length) row("params", flat.join("  \u00b7  "));
    add(overview, renderVoices());
    add(overview, el("details", { class: "runbox", id: "run-info" },
      el("summary", null, "What this map was built from: " + plural(S.documents, "article") + ", " +
        plural(S.comments, "comment") + ", " + plural(S.claims, "claim") + ", " + plural(S.key_points, "key point")),
      dl));
  }

  // Who argues what: one row per author, their claims split by stance; a click filters by them.
  function renderVoices() {
    var byAuthor = {};
    DATA.claims.forEach(function (c) {
      var a = who(c);
      var entry = byAuthor[a] = byAuthor[a] || { n: 0, stances: {}, docs: {} };
      entry.n++;
      entry.stances[c.stance] = (entry.stances[c.stance] || 0) + 1;
      entry.docs[c.doc_id] = 1;
    });
    var names = Object.keys(byAuthor).sort(function (a, b) { return byAuthor[b].n - byAuthor[a].n || (a < b ? -1 : 1); });
    if (!names.length) return null;
    var table = el("table", { class: "voices", id: "voices" },
      el("thead", null, el("tr", null, el("th", null, "Author"), el("th", null, "Claims"), el("th", null, "Documents"),
        el("th", null, "What they argue"))));
    var body = el("tbody");
    names.slice(0, 25).forEach(function (name) {
      var entry = byAuthor[name], shares = {};
      labelNames.forEach(function (n) { shares[n] = (entry.stances[n] || 0) / entry.n; });
      var mix = labelNames.filter(function (n) { return entry.stances[n]; })
        .map(function (n) { return n + " " + entry.stances[n]; }).join(" \u00b7 ");
      var cell = name
        ? el("button", { class: "link", type: "button", "data-author": name, title: "Show only claims by this author",
            onclick: function () { setFilter("author", state.author === name ? "" : name); } }, name)
        : el("span", { class: "muted" }, "(author not known)");
      body.appendChild(el("tr", null, el("td", null, cell), el("td", null, String(entry.n)),
        el("td", null, String(Object.keys(entry.docs).length)),
        el("td", null, shareBar(shares), el("span", { class: "small muted" }, mix))));
    });
    table.appendChild(body);
    var more = names.length > 25 ? el("p", { class: "small muted" }, (names.length - 25) + " more authors: use the Author filter.") : null;
    return el("details", { class: "runbox", id: "voices-box", open: "open" },
      el("summary", null, "Who argues what: " + plural(names.filter(Boolean).length, "named author")), table, more);
  }

  // ------------------------------------------------------------------ filters
  var countEl = el("span", { class: "count", id: "match-count", "aria-live": "polite" });
  var controls = {};
  function renderFilters() {
    function select(key, label, options) {
      var s = el("select", { id: "f-" + key, "aria-label": label, onchange: function () { setFilter(key, s.value); } });
      s.appendChild(el("option", { value: "" }, "All"));
      options.forEach(function (o) { s.appendChild(el("option", { value: o[0] }, o[1])); });
      controls[key] = s;
      return el("label", null, label, s);
    }
    var corpora = {}, authors = {};
    DATA.claims.forEach(function (c) { corpora[c.corpus] = 1; if (who(c)) authors[who(c)] = (authors[who(c)] || 0) + 1; });
    var docOpts = DATA.documents.filter(function (d) { return claimsByDoc[d.doc_id]; }).map(function (d) {
      return [d.doc_id, shorten(docLabel(d), 70) + " (" + claimsByDoc[d.doc_id].length + ")"];
    });
    var search = el("input", { type: "search", id: "f-q", placeholder: "words in a claim", "aria-label": "Search claims" });
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { setFilter("q", search.value.trim()); }, 150);
    });
    controls.q = search;
    add(filters, [
      select("stance", "Stance", labelNames.map(function (n) { return [n, n]; })),
      select("corpus", "Corpus", Object.keys(corpora).sort().map(function (n) { return [n, n]; })),
      select("doc", "Document", docOpts),
      select("author", "Author", Object.keys(authors).sort().map(function (n) { return [n, n + " (" + authors[n] + ")"]; })),
      el("label", null, "Search", search),
      el("button", { class: "btn", type: "button", id: "f-reset", onclick: function () {
        KEYS.forEach(function (k) { if (k !== "claim" && k !== "read") state[k] = ""; });
        update();
      } }, "Clear filters"),
      el("button", { class: "btn", type: "button", id: "f-copy", title: "Copy a link to this view", onclick: function () {
        var b = this;
        try { navigator.clipboard.writeText(location.href).then(function () { b.textContent = "Link copied"; }, function () {}); } catch (e) { /* clipboard unavailable */ }
      } }, "Copy link"),
      countEl,
    ]);
  }
  function syncControls() {
    ["stance", "corpus", "doc", "author"].forEach(function (k) { if (controls[k].value !== state[k]) controls[k].value = state[k]; });
    if (document.activeElement !== controls.q && controls.q.value !== state.q) controls.q.value = state.q;
    Array.prototype.forEach.call(document.querySelectorAll(".pos-card"), function (card) {
      card.classList.toggle("active", card.getAttribute("data-stance") === state.stance);
    });
  }
  function setFilter(key, value) {
    state[key] = value;
    listLimit = LIST_PAGE;
    update();
  }

  // ------------------------------------------------------------------ the map (layered SVG)
  var svg, viewport, vb = null, content = { w: 1000, h: 600 };
  var COLS = { pos: { x: 10, w: 190 }, kp: { x: 260, w: 290 }, claim: { x: 610, w: 380 } };
  var CHAR_W = 6.6;

  function wrap(text, width, maxLines) {
    var perLine = Math.max(8, Math.floor(width / CHAR_W));
    var words = String(text).replace(/\s+/g, " ").trim().split(" ");
    var lines = [], cur = "";
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if ((cur ? cur.length + 1 : 0) + w.length <= perLine) { cur = cur ? cur + " " + w : w; continue; }
      if (cur) lines.push(cur);
      cur = w.length > perLine ? w.slice(0, perLine - 1) + "\u2026" : w;
      if (lines.length === maxLines) break;
    }
    if (cur && lines.length < maxLines) lines.push(cur);
    if (lines.length > maxLines) lines.length = maxLines;
    var used = lines.join(" ").length;
    if (used < String(text).replace(/\s+/g, " ").trim().length && lines.length) {
      var last = lines[lines.length - 1];
      lines[lines.length - 1] = (last.length >= perLine ? last.slice(0, perLine - 1) : last) + "\u2026";
    }
    return lines;
  }

  function textBlock(lines, x, y, cls) {
    var t = sv("text", { x: x, y: y, class: cls || null });
    lines.forEach(function (line, i) {
      t.appendChild(sv("tspan", { x: x, dy: i === 0 ? 0 : 15 }, line));
    });
    return t;
  }

  function graphModel() {
    // Rows of the layered layout: position -> key points (incl. a "not grouped" bucket) -> claims.
    var active = filtering();
    var groups = [];
    DATA.positions.forEach(function (p) {
      var kps = [];
      p.key_point_ids.forEach(function (id) {
        var kp = kpById[id];
        var members = kp.claim_ids.map(function (cid) { return claimById[cid]; }).filter(Boolean).filter(matches);
        if (active && !members.length) return;
        kps.push({ kp: kp, members: members });
      });
      var loose = p.unclustered_claim_ids.map(function (cid) { return claimById[cid]; }).filter(Boolean).filter(matches);
      if (loose.length) kps.push({ kp: null, id: "loose-" + p.stance, members: loose, stance: p.stance });
      if (active && !kps.length && state.stance && state.stance !== p.stance) return;
      groups.push({ position: p, kps: kps });
    });
    return groups;
  }

  function renderMap() {
    if (!svg) {
      add(mapSection, el("h2", null, "The map: positions \u2192 key points \u2192 claims"));
      var legend = el("div", { class: "legend" });
      DATA.labels.forEach(function (l) { legend.appendChild(el("span", null, swatch(l.name, "sw"), l.name)); });
      var sup = el("span", { class: "ln" }); sup.style.borderTopColor = "var(--support)";
      var att = el("span", { class: "ln attack" }); att.style.borderTopColor = "var(--attack)";
      add(legend, [el("span", null, sup, "supports"), el("span", null, att, "attacks"),
        el("span", { class: "muted" }, "Claim colour = its own stance. Drag to pan, wheel or buttons to zoom, click a claim to read it in context.")]);
      add(mapSection, legend);
      svg = sv("svg", { id: "graph", role: "img", "aria-label": "Argument map" });
      var defs = sv("defs");
      [["arrow-support", "#2b8a3e"], ["arrow-attack", "#e03131"]].forEach(function (m) {
        defs.appendChild(sv("marker", { id: m[0], viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
          sv("path", { d: "M0,0 L10,5 L0,10 z", fill: m[1] })));
      });
      svg.appendChild(defs);
      viewport = sv("g", { id: "viewport" });
      svg.appendChild(viewport);
      var wrapDiv = el("div", { id: "graph-wrap" }, svg,
        el("div", { class: "zoom" },
          el("button", { class: "btn", type: "button", title: "Zoom in", onclick: function () { zoomBy(0.8); } }, "+"),
          el("button", { class: "btn", type: "button", title: "Zoom out", onclick: function () { zoomBy(1.25); } }, "\u2212"),
          el("button", { class: "btn", type: "button", title: "Fit the whole map", onclick: function () { fit(true); } }, "Fit"),
          el("button", { class: "btn", type: "button", title: "Fit the width", onclick: function () { fit(false); } }, "Width")));
      add(mapSection, wrapDiv);
      installPanZoom();
    }
    clear(viewport);
    var groups = graphModel();
    var edgesLayer = sv("g", { class: "edges" }), arcLayer = sv("g", { class: "arcs" }), nodeLayer = sv("g", { class: "nodes" });
    viewport.appendChild(edgesLayer); viewport.appendChild(nodeLayer); viewport.appendChild(arcLayer);
    var y = 34, claimPos = {}, kpPos = {}, GAP = 6;
    add(nodeLayer, [
      sv("text", { x: COLS.pos.x, y: 16, class: "col-title" }, "Positions"),
      sv("text", { x: COLS.kp.x, y: 16, class: "col-title" }, "Key points"),
      sv("text", { x: COLS.claim.x, y: 16, class: "col-title" }, "Claims (strongest first)"),
    ]);
    if (!groups.length) {
      nodeLayer.appendChild(sv("text", { x: COLS.kp.x, y: 60, class: "col-title" }, "No claim matches the filters."));
    }
    groups.forEach(function (g) {
      var p = g.position, colour = colourOf[p.stance];
      var top = y;
      var band = sv("rect", { x: 0, y: top - 8, width: COLS.claim.x + COLS.claim.w + 10, height: 10, fill: colour, "fill-opacity": 0.05, rx: 6 });
      edgesLayer.appendChild(band);
      var kpCentres = [];
      g.kps.forEach(function (entry) {
        var key = entry.kp ? entry.kp.id : entry.id;
        var sorted = entry.members.slice().sort(function (a, b) { return b.strength_score - a.strength_score || (a.id < b.id ? -1 : 1); });
        var limit = expanded[key] || sorted.length <= MAX_CLAIMS_PER_KP + 1 ? sorted.length : MAX_CLAIMS_PER_KP;
        var shown = sorted.slice(0, limit);
        var blockTop = y, cy = y, claimCentres = [];
        shown.forEach(function (c) {
          var lines = wrap(c.text, COLS.claim.w - 20, 3);
          var h = 10 + lines.length * 15;
          var node = sv("g", { class: "node claim", tabindex: 0, role: "button", "data-claim": c.id, "data-stance": c.stance,
            "aria-label": c.text });
          var rect = sv("rect", { x: COLS.claim.x, y: cy, width: COLS.claim.w, height: h, rx: 4, fill: "#fff", stroke: colourOf[c.stance] });
          var stripe = sv("rect", { x: COLS.claim.x, y: cy, width: 5, height: h, fill: colourOf[c.stance] });
          add(node, [sv("title", null, c.text + (who(c) ? " \u2014 " + who(c) : "") + " (" + c.stance + ")"), rect, stripe,
            textBlock(lines, COLS.claim.x + 12, cy + 17)]);
          if (state.claim === c.id) node.classList.add("selected");
          onActivate(node, function () { openClaim(c.id); });
          nodeLayer.appendChild(node);
          claimPos[c.id] = { x: COLS.claim.x, y: cy + h / 2, r: COLS.claim.x + COLS.claim.w };
          claimCentres.push(cy + h / 2);
          cy += h + GAP;
        });
        if (limit < sorted.length) {
          var more = sv("g", { class: "node more", tabindex: 0, role: "button", "data-expand": key });
          add(more, [sv("rect", { x: COLS.claim.x, y: cy, width: COLS.claim.w, height: 22, rx: 4, fill: "#f8f9fa", stroke: "#ced4da", "stroke-dasharray": "3 3" }),
            sv("text", { x: COLS.claim.x + 12, y: cy + 15 }, "+ " + (sorted.length - limit) + " more claims \u2014 click to show")]);
          onActivate(more, function () { expanded[key] = true; renderMap(); });
          nodeLayer.appendChild(more);
          claimCentres.push(cy + 11);
          cy += 22 + GAP;
        }
        // the key point node, centred on its claims
        var label = entry.kp ? entry.kp.label : "Not grouped into a key point";
        var lines = wrap(label, COLS.kp.w - 20, 3);
        var meta = entry.kp
          ? plural(entry.kp.size, "claim") + (filtering() ? " (" + entry.members.length + " match)" : "") + " \u00b7 " + entry.kp.keywords.slice(0, 3).join(", ")
          : plural(entry.members.length, "claim");
        var kh = 14 + lines.length * 15 + 15;
        var blockH = Math.max(cy - GAP - blockTop, kh);
        var ky = blockTop + blockH / 2 - kh / 2;
        var kcolour = entry.kp ? colourOf[entry.kp.stance] : colourOf[entry.stance];
        var knode = sv("g", { class: "node kp", tabindex: 0, role: "button", "data-kp": entry.kp ? entry.kp.id : "" });
        add(knode, [sv("title", null, label), sv("rect", { x: COLS.kp.x, y: ky, width: COLS.kp.w, height: kh, rx: 6, fill: "#fff", stroke: kcolour,
          "stroke-dasharray": entry.kp ? null : "4 3", "stroke-width": 1.5 }),
          textBlock(lines, COLS.kp.x + 10, ky + 18, "label"),
          sv("text", { x: COLS.kp.x + 10, y: ky + 18 + lines.length * 15, class: "meta" }, shorten(meta, 48))]);
        if (entry.kp) onActivate(knode, function () { showKeyPoint(entry.kp.id); });
        nodeLayer.appendChild(knode);
        if (entry.kp) kpPos[entry.kp.id] = { y: ky + kh / 2, x: COLS.kp.x };
        kpCentres.push(ky + kh / 2);
        claimCentres.forEach(function (c) {
          edgesLayer.appendChild(sv("path", { d: curve(COLS.kp.x + COLS.kp.w, ky + kh / 2, COLS.claim.x, c), fill: "none", stroke: "#adb5bd", "stroke-width": 1 }));
        });
        y = blockTop + blockH + 14;
      });
      if (!g.kps.length) {
        nodeLayer.appendChild(sv("text", { x: COLS.kp.x, y: y + 26, class: "empty-note" }, "no claims take this position"));
        y += 34;
      }
      var bottom = y - 14;
      // The position sits at the top of its band, so its name is in view where its key points start.
      var ph = 58, py = top;
      var pnode = sv("g", { class: "node pos", tabindex: 0, role: "button", "data-position": p.stance });
      add(pnode, [sv("title", null, p.description), sv("rect", { x: COLS.pos.x, y: py, width: COLS.pos.w, height: ph, rx: 8, fill: colour, stroke: colour }),
        sv("text", { x: COLS.pos.x + 10, y: py + 24 }, p.stance),
        sv("text", { x: COLS.pos.x + 10, y: py + 44, class: "meta" }, pct(p.share_of_claims) + " of claims \u00b7 " + plural(p.key_point_ids.length, "key point"))]);
      onActivate(pnode, function () { setFilter("stance", state.stance === p.stance ? "" : p.stance); });
      nodeLayer.appendChild(pnode);
      kpCentres.forEach(function (c) {
        edgesLayer.appendChild(sv("path", { d: curve(COLS.pos.x + COLS.pos.w, py + ph / 2, COLS.kp.x, c), fill: "none", stroke: colour, "stroke-opacity": 0.55, "stroke-width": 2 }));
      });
      band.setAttribute("height", Math.max(bottom - top + 16, ph + 16));
      y = Math.max(y, py + ph + 14) + 18;
    });
    // support / attack between claims: arcs to the right of the claim column
    var nArcs = 0;
    DATA.relations.forEach(function (r) {
      if (r.relation === "reply") return;
      var a, b, x;
      if (r.level === "claim" && claimPos[r.source_id] && claimPos[r.target_id]) {
        a = claimPos[r.source_id]; b = claimPos[r.target_id]; x = a.r;
        var d = Math.min(260, 24 + Math.abs(b.y - a.y) * 0.3);
        arcLayer.appendChild(edgePath("M" + x + "," + a.y + " C" + (x + d) + "," + a.y + " " + (x + d) + "," + b.y + " " + (x + 2) + "," + b.y, r));
        nArcs++;
      } else if (r.level === "key_point" && kpPos[r.source_id] && kpPos[r.target_id]) {
        a = kpPos[r.source_id]; b = kpPos[r.target_id]; x = a.x;
        var e = Math.min(50, 16 + Math.abs(b.y - a.y) * 0.2);
        arcLayer.appendChild(edgePath("M" + x + "," + a.y + " C" + (x - e) + "," + a.y + " " + (x - e) + "," + b.y + " " + (x - 2) + "," + b.y, r));
        nArcs++;
      }
    });
    svg.setAttribute("data-arcs", String(nArcs));
    content = { w: COLS.claim.x + COLS.claim.w + 280, h: Math.max(y, 200) };
    if (!vb) fit(false); else applyViewBox();
  }
  function edgePath(d, r) {
    var attack = r.relation === "attack";
    var p = sv("path", { d: d, fill: "none", class: "rel-edge " + r.relation, stroke: attack ? "#e03131" : "#2b8a3e",
      "stroke-width": 1.2 + 1.8 * (r.score || 0), "stroke-dasharray": attack ? "6 4" : null, "stroke-opacity": 0.8,
      "marker-end": "url(#arrow-" + (attack ? "attack" : "support") + ")" });
    p.appendChild(sv("title", null, r.relation + ": " + r.reason));
    return p;
  }
  function curve(x1, y1, x2, y2) {
    var mx = (x1 + x2) / 2;
    return "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2;
  }
  function onActivate(node, fn) {
    node.addEventListener("click", function (ev) { if (dragMoved) { ev.preventDefault(); return; } fn(); });
    node.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); fn(); } });
  }

  // zoom and pan through the SVG viewBox
  var dragMoved = false;
  function aspect() { var r = svg.getBoundingClientRect(); return r.width > 0 ? r.height / r.width : 0.6; }
  function applyViewBox() { svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].map(function (v) { return Math.round(v * 100) / 100; }).join(" ")); }
  function fit(whole) {
    var a = aspect();
    if (whole) {
      var w = Math.max(content.w, content.h / a);
      vb = { x: 0, y: 0, w: w, h: w * a };
    } else {
      vb = { x: 0, y: 0, w: content.w, h: content.w * a };
    }
    applyViewBox();
  }
  function zoomBy(f, cx, cy) {
    if (!vb) return;
    var nw = Math.min(Math.max(vb.w * f, 150), Math.max(content.w, content.h) * 4);
    f = nw / vb.w;
    if (cx === undefined) { cx = vb.x + vb.w / 2; cy = vb.y + vb.h / 2; }
    vb = { x: cx - (cx - vb.x) * f, y: cy - (cy - vb.y) * f, w: vb.w * f, h: vb.h * f };
    applyViewBox();
  }
  function installPanZoom() {
    var start = null;
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect();
      var cx = vb.x + (ev.clientX - r.left) / r.width * vb.w;
      var cy = vb.y + (ev.clientY - r.top) / r.height * vb.h;
      zoomBy(ev.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      start = { x: ev.clientX, y: ev.clientY, vx: vb.x, vy: vb.y };
      dragMoved = false;
    });
    window.addEventListener("pointermove", function (ev) {
      if (!start) return;
      var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!dragMoved && Math.abs(dx) + Math.abs(dy) < 4) return;
      dragMoved = true;
      svg.classList.add("dragging");
      var r = svg.getBoundingClientRect(), k = vb.w / r.width;
      vb.x = start.vx - dx * k; vb.y = start.vy - dy * k;
      applyViewBox();
    });
    window.addEventListener("pointerup", function () {
      start = null;
      svg.classList.remove("dragging");
      setTimeout(function () { dragMoved = false; }, 0);
    });
    window.addEventListener("resize", function () { if (vb) { vb.h = vb.w * aspect(); applyViewBox(); } });
  }

  // ------------------------------------------------------------------ key point cards
  function claimButton(c, extraClass) {
    return el("button", { class: "claim-btn" + (extraClass ? " " + extraClass : ""), type: "button", "data-claim": c.id,
      onclick: function () { openClaim(c.id); } },
      swatch(c.stance),
      el("span", null, c.text, el("span", { class: "meta" },
        [c.stance, who(c) || "unknown author", shorten(docLabel(docById[c.doc_id]), 60), "strength " + c.strength_score.toFixed(2)].join(" \u00b7 "))));
  }
  function shareBar(shares) {
    var bar = el("div", { class: "bar" });
    labelNames.forEach(function (n) {
      if (!shares[n]) return;
      var s = el("span", { title: n + " " + pct(shares[n]) });
      s.style.width = (shares[n] * 100) + "%";
      s.style.background = colourOf[n];
      bar.appendChild(s);
    });
    return bar;
  }
  function renderKeyPoints() {
    clear(kpSection);
    add(kpSection, el("h2", null, "Key points"));
    var active = filtering(), shownAny = false;
    DATA.positions.forEach(function (p) {
      var cards = [];
      p.key_point_ids.forEach(function (id) {
        var kp = kpById[id];
        var members = kp.claim_ids.map(function (cid) { return claimById[cid]; }).filter(Boolean);
        var matching = members.filter(matches);
        if (active && !matching.length) return;
        var rep = claimById[kp.representative_claim_id];
        var list = el("div");
        var fill = function () {
          // Built on first opening: a large map has thousands of member claims.
          if (list.firstChild) return;
          (active ? matching : members).slice().sort(function (a, b) { return b.strength_score - a.strength_score; })
            .forEach(function (c) { list.appendChild(claimButton(c)); });
        };
        var card = el("article", { class: "kp-card", id: "card-" + kp.id, "data-kp": kp.id },
          el("div", { class: "label" }, kp.label),
          el("div", null, kp.keywords.map(function (k) { return el("span", { class: "kw" }, k); })),
          shareBar(kp.stance_shares),
          el("div", { class: "small muted" }, labelNames.filter(function (n) { return kp.stance_shares[n]; })
            .map(function (n) { return n + " " + pct(kp.stance_shares[n]); }).join(" \u00b7 ")),
          el("div", { class: "stats" }, stat(kp.size, "claim"), stat(kp.n_documents, "document"),
            kp.n_people != null ? stat(kp.n_people, "person", "people") : null, stat(kp.authors.length, "author"), active ? stat(matching.length, "match", "match") : null),
          rep ? el("div", { class: "small" }, el("span", { class: "muted" }, "In full: "),
            el("button", { class: "link rep", type: "button", onclick: function () { openClaim(rep.id); } }, "\u201c" + rep.text + "\u201d"),
            el("span", { class: "muted" }, who(rep) ? " \u2014 " + who(rep) : "")) : null,
          el("details", { ontoggle: fill }, el("summary", null, "Member claims (" + (active ? matching.length + " of " : "") + members.length + ")"), list));
        card.style.borderLeftColor = colourOf[p.stance];
        cards.push(card);
      });
      if (!cards.length) return;
      shownAny = true;
      add(kpSection, el("div", { class: "kp-group", "data-stance": p.stance },
        el("h3", null, swatch(p.stance, "sw"), p.stance + " \u2014 " + plural(cards.length, "key point")),
        el("div", { class: "kp-grid" }, cards)));
    });
    if (!shownAny) add(kpSection, el("p", { class: "empty" }, "No key point has a claim that matches the filters."));
  }
  function showKeyPoint(id) {
    var card = document.getElementById("card-" + id);
    if (!card) return;
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    card.classList.add("flash");
    var d = card.querySelector("details");
    if (d) d.open = true;
    setTimeout(function () { card.classList.remove("flash"); }, 1600);
  }

  // ------------------------------------------------------------------ claims list
  function renderClaims(matching) {
    clear(claimsSection);
    add(claimsSection, el("h2", null, "Claims"), el("p", { class: "small muted" },
      "Every claim that matches the filters, strongest first (strength = claim score \u00d7 stance score). Click one to read it in context."));
    var box = el("div", { id: "claims-list" });
    if (!matching.length) {
      box.appendChild(el("p", { class: "empty" }, "No claim matches these filters. Clear a filter or search for fewer words."));
    }
    matching.slice(0, listLimit).forEach(function (c) { box.appendChild(claimButton(c)); });
    if (matching.length > listLimit) {
      box.appendChild(el("button", { class: "btn", type: "button", id: "more-claims", onclick: function () { listLimit += LIST_PAGE * 5; renderClaims(matching); } },
        "Show more (" + (matching.length - listLimit) + " left)"));
    }
    claimsSection.appendChild(box);
  }

  // ------------------------------------------------------------------ drill-down
  function openClaim(id) { state.claim = id; state.read = ""; update(); }
  function openDoc(id) { state.read = id; state.claim = ""; update(); }
  function closeDrill() { state.claim = ""; state.read = ""; update(); }

  function relationCard(r, other, direction) {
    var c = claimById[other];
    var verb = direction === "out" ? (r.relation === "attack" ? "This claim attacks" : "This claim supports")
      : (r.relation === "attack" ? "Attacked by" : "Supported by");
    return el("div", { class: "rel " + r.relation },
      el("div", { class: "kind" }, verb),
      c ? el("button", { class: "link", type: "button", onclick: function () { openClaim(c.id); } }, "\u201c" + c.text + "\u201d") : other,
      c ? el("div", { class: "small muted" }, (who(c) || "unknown author") + " \u00b7 " + c.stance + " \u00b7 " + shorten(docLabel(docById[c.doc_id]), 60)) : null,
      el("div", { class: "why" }, "Why: " + r.reason));
  }
  function docCard(d, relation, label) {
    var rel = relation ? relation.relation : "reply";
    return el("div", { class: "rel " + rel },
      el("div", { class: "kind" }, label + (rel !== "reply" ? " \u2014 " + rel : "")),
      el("button", { class: "link", type: "button", "data-doc": d.doc_id, onclick: function () { openDoc(d.doc_id); } }, docLabel(d)),
      el("div", { class: "small" }, shorten(d.text, 240)),
      relation && relation.relation !== "reply" ? el("div", { class: "why" }, "Why: " + relation.reason) : null);
  }
  function docText(d, selected) {
    var box = el("div", { class: "doctext", id: "doc-text" });
    var text = d.text || "", pos = 0, mark = null;
    (claimsByDoc[d.doc_id] || []).forEach(function (c) {
      if (!c.hl || c.hl[0] < pos) return;
      if (c.hl[0] > pos) box.appendChild(document.createTextNode(text.slice(pos, c.hl[0])));
      var part = text.slice(c.hl[0], c.hl[1]);
      if (selected && c.id === selected.id) {
        mark = el("mark", { class: "hl", id: "hl" }, part);
        box.appendChild(mark);
      } else {
        var span = el("span", { class: "oc", title: c.stance + ": click to open this claim", "data-claim": c.id,
          onclick: function () { openClaim(c.id); } }, part);
        span.style.borderBottomColor = colourOf[c.stance];
        box.appendChild(span);
      }
      pos = c.hl[1];
    });
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
    return { box: box, mark: mark };
  }
  function renderDrill() {
    clear(drill);
    var c = state.claim ? claimById[state.claim] : null;
    var d = c ? docById[c.doc_id] : (state.read ? docById[state.read] : null);
    if (!d) { drill.hidden = true; return; }
    drill.hidden = false;
    add(drill, el("button", { class: "btn close", type: "button", id: "drill-close", onclick: closeDrill }, "Close \u2715"));
    if (c) {
      var kp = c.kp ? kpById[c.kp] : null;
      var quote = el("blockquote", { id: "drill-claim" }, c.text);
      quote.style.borderLeftColor = colourOf[c.stance];
      var chip = el("span", { class: "chip" }, c.stance + " " + pct(c.stance_score));
      chip.style.background = colourOf[c.stance];
      add(drill, [el("h2", null, "Claim"), quote,
        el("div", { class: "small" }, chip, "claim score " + c.claim_score.toFixed(2) + " \u00b7 strength " + c.strength_score.toFixed(2) +
          " \u00b7 " + (who(c) || "unknown author")),
        c.stance_own && c.stance_own !== c.stance ? el("div", { class: "small muted", id: "drill-context" },
          "Read alone, its words say " + c.stance_own + "; the sentences around it and its heading moved it.") : null,
        kp ? el("div", { class: "small" }, el("span", { class: "muted" }, "Key point: "),
          el("button", { class: "link", type: "button", onclick: function () { closeDrill(); showKeyPoint(kp.id); } }, shorten(kp.label, 120))) :
          el("div", { class: "small muted" }, "Not grouped into a key point."),
        c.hl ? null : el("p", { class: "warn" }, "The claim's offsets do not match the document text; it is not highlighted.")]);
      var outs = relOut[c.id] || [], ins = relIn[c.id] || [];
      if (outs.length || ins.length) {
        add(drill, el("h3", null, "How it relates to other claims"));
        outs.forEach(function (r) { drill.appendChild(relationCard(r, r.target_id, "out")); });
        ins.forEach(function (r) { drill.appendChild(relationCard(r, r.source_id, "in")); });
      }
    }
    var head = [d.kind === "article" ? "Article" : "Comment #" + (d.comment_n || "?"),
      who(d) ? "by " + who(d) : "author unknown", d.addressed_to ? "to " + d.addressed_to : null,
      d.corpus + "/" + d.source].filter(Boolean).join(" \u00b7 ");
    add(drill, [el("h3", null, "Source: " + docLabel(d)), el("div", { class: "small muted", id: "doc-meta" }, head)]);
    var rendered = docText(d, c);
    drill.appendChild(rendered.box);
    // the thread: what this document answers, and what answers it
    var parent = d.parent_doc_id ? docById[d.parent_doc_id] : null;
    var replies = repliesOf[d.doc_id] || [];
    add(drill, el("h3", null, "Thread"));
    if (parent) drill.appendChild(docCard(parent, docRel[d.doc_id + "\u0000" + parent.doc_id], "It answers"));
    else add(drill, el("p", { class: "small muted" }, d.kind === "article" ? "An article: it starts the thread." : "What it answers is not known."));
    if (replies.length) replies.forEach(function (rd) { drill.appendChild(docCard(rd, docRel[rd.doc_id + "\u0000" + d.doc_id], "Answered by")); });
    else add(drill, el("p", { class: "small muted" }, "Nothing answers it."));
    if (rendered.mark) {
      var m = rendered.mark, box = rendered.box;
      requestAnimationFrame(function () { box.scrollTop = Math.max(0, m.offsetTop - box.offsetTop - box.clientHeight / 3); });
    }
  }

  // ------------------------------------------------------------------ update loop
  function update() {
    var matching = byStrength.filter(matches);
    countEl.textContent = matching.length + " of " + DATA.claims.length + " claims";
    countEl.setAttribute("data-count", String(matching.length));
    syncControls();
    writeHash();
    renderMap();
    renderKeyPoints();
    renderClaims(matching);
    renderDrill();
  }
  window.addEventListener("hashchange", function () {
    var next = readHash();
    var same = KEYS.every(function (k) { return next[k] === state[k]; });
    if (!same) { state = next; update(); }
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && !drill.hidden) closeDrill(); });

  state = readHash();
  renderOverview();
  renderFilters();
  update();
  document.body.setAttribute("data-ready", "1");
})();
