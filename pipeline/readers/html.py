"""HTML reader: a saved blog post with its comment section.

The main text comes from trafilatura (its XML output keeps headings, paragraphs, lists and images
in order, without navigation, share bars or forms); image captions and the comment thread come
from the page's own structure, read with lxml: comment containers (WordPress `li.comment`,
schema.org `Comment`, elements classed `comment`), their nesting (a reply sits inside the comment
it answers), author (`.fn`, `.comment-author`, `itemprop=author`), date (`time[datetime]`) and text
(`.comment-content`, `itemprop=text`). A document's own text (what its offsets index) is its
blocks joined by blank lines, the title first.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from pipeline.readers import Block, Doc, ReadResult, Reject, limits
from pipeline.readers.html_layout import (
    Post,
    body_blocks,
    class_words,
    declared_count,
    find_posts,
    has_letters,
    indent_of,
    meta_header,
    meta_tags,
    text_of,
    walk,
)
from pipeline.readers.layout import (
    COMMENT_COUNT_RE,
    REPLY_COUNT_RE,
    THREAD_META_RE,
    TITLE_DOMAIN_RE,
    Line,
    normalize_text,
)
from pipeline.readers.text_blocks import SUBSTANTIVE, line_boilerplate
from pipeline.readers.threads import infer_threads
from pipeline.safe_repr import one_line

_COMMENT_XPATH = (
    "//*[(self::li or self::article or self::div or self::section)"
    " and (contains(concat(' ', normalize-space(@class), ' '), ' comment ')"
    " or contains(@itemtype, 'schema.org/Comment'))]"
)
_AUTHOR_XPATH = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')"
    " or @itemprop='author' or @itemprop='name'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' comment-author ')]"
)
_TEXT_XPATH = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' comment-content ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' comment-text ')"
    " or @itemprop='text']"
)
_SAYS_RE = re.compile(r"\s+(?:says|said|wrote)\s*:?\s*$", re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text_of(el) -> str:
    return _clean("".join(el.itertext()))


class _Builder:
    """Joins blocks into a document's own text, recording each block's offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.blocks: list[Block] = []
        self.pos = 0

    def add(self, role: str, text: str, why: str) -> None:
        text = text.strip()
        if not text:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        if role in ("body", "list_item"):
            bp = line_boilerplate(Line(0, 0, len(text), 0, text))
            if bp:
                role, why = "boilerplate", bp
        self.blocks.append(Block(role, self.pos, self.pos + len(text), why))
        self.parts.append(text)
        self.pos += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _captions(tree) -> dict[str, str]:
    """Image src -> its figcaption, from the page itself (trafilatura drops captions)."""
    out: dict[str, str] = {}
    for fig in tree.iter("figure"):
        caption = fig.find(".//figcaption")
        img = fig.find(".//img")
        if caption is not None and img is not None and img.get("src"):
            out[img.get("src")] = _text_of(caption)
    return out


def _main_blocks(xml_doc, title: str | None, captions: dict[str, str]) -> _Builder:
    b = _Builder()
    if title:
        b.add("title", title, "page title")
    main = xml_doc.find("main")
    if main is None:
        return b
    for el in main:
        tag = el.tag
        text = _text_of(el)
        if tag == "head":
            if title and normalize_text(text) == normalize_text(title):
                continue
            b.add("heading", text, f"<{el.get('rend') or 'head'}>")
        elif tag == "list":
            for item in el.iter("item"):
                b.add("list_item", _text_of(item), "<li>")
        elif tag == "graphic":
            caption = captions.get(el.get("src") or "")
            if caption:
                b.add("caption", caption, "<figcaption>")
        elif tag == "table":
            for row in el.iter("row"):
                b.add("body", " | ".join(_text_of(c) for c in row), "<tr>")
        else:
            b.add("body", text, f"<{tag}>")
    return b


def _comment_nodes(tree) -> list:
    nodes = tree.xpath(_COMMENT_XPATH)
    # Keep the outermost container of each comment (a WordPress li.comment, not its inner parts).
    keep = []
    for n in nodes:
        if n.get("id") or n.get("itemtype") or n.tag == "li":
            keep.append(n)
    return keep or nodes


def _nearest_comment_ancestor(node, nodes: set):
    parent = node.getparent()
    while parent is not None:
        if parent in nodes:
            return parent
        parent = parent.getparent()
    return None


def _own(node, el, nodes: set) -> bool:
    """True if `el` belongs to `node` itself, not to a reply nested inside it."""
    return _nearest_comment_ancestor(el, nodes) is node or el is node


def _comment_docs(tree, article_key: str) -> list[Doc]:
    nodes = _comment_nodes(tree)
    node_set = set(nodes)
    docs: list[Doc] = []
    key_of = {}
    for node in nodes:
        authors = [a for a in node.xpath(_AUTHOR_XPATH) if _own(node, a, node_set)]
        author = _SAYS_RE.sub("", _text_of(authors[0])) if authors else None
        containers = [c for c in node.xpath(_TEXT_XPATH) if _own(node, c, node_set)]
        if containers:
            paras = [p for c in containers for p in (c.findall(".//p") or [c])]
        else:
            paras = [p for p in node.iter("p") if _own(node, p, node_set)]
        b = _Builder()
        for p in paras:
            b.add("body", _text_of(p), "<p> of a comment")
        if not b.blocks:
            continue
        times = [t for t in node.iter("time") if _own(node, t, node_set)]
        key = f"c{len(docs) + 1}"
        key_of[node] = key
        parent = _nearest_comment_ancestor(node, node_set)
        doc = Doc(
            key, "comment", b.text, 0, len(b.text), b.blocks, comment_n=len(docs) + 1,
            parent_key=key_of.get(parent, article_key) if parent is not None else article_key,
            author=author or None, published=times[0].get("datetime") if times else None,
        )
        docs.append(doc)
    return docs


def _depth(tree) -> int:
    """How deep the elements of a parsed page nest (iteratively: no recursion on hostile pages)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in el)
    return deepest


def _declared_count(tree) -> int | None:
    for h in tree.xpath("//h1|//h2|//h3|//h4|//*[contains(@class, 'comments-title')]"):
        text = normalize_text(_text_of(h))
        if COMMENT_COUNT_RE.match(text):
            word = text.split()[0]
            return int(word) if word.isdigit() else None
    return None


def read_html_page(text: str, source: str) -> ReadResult:
    import trafilatura

    if not text.strip():
        return ReadResult(rejects=[Reject("empty file: nothing but whitespace")])
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        return ReadResult(rejects=[Reject(f"not parseable as HTML: {one_line(exc, 200)}")])
    depth = _depth(tree)
    if depth > limits.MAX_HTML_DEPTH:
        # lxml keeps 255 levels and drops what lies deeper without a word: reject, never cut.
        return ReadResult(rejects=[Reject(
            f"nested too deeply: elements {depth} levels deep, over the limit of {limits.MAX_HTML_DEPTH}; "
            "the HTML parser would drop what lies deeper (deeply nested comments, say), so the page is not read")])
    old_nodes = _comment_nodes(tree)
    n_comments = len(old_nodes)
    if n_comments > limits.MAX_COMMENTS_PER_PAGE:
        return ReadResult(rejects=[Reject(limits.comments_reason(n_comments))])
    # A blog post with its comment list (WordPress, schema.org Comment) goes to trafilatura below;
    # a forum, aggregator or Q&A thread, or a page with furniture and no such list, is read from
    # its own structure.
    _, posts, units = _structured_units(tree)
    cue = _looks_structured(posts, units)
    if cue or (cue == "" and not old_nodes):
        return _read_structured(tree, units, posts)
    extracted = trafilatura.extract(
        text, output_format="xml", include_comments=False, with_metadata=True,
        include_images=True, include_tables=True, include_formatting=False,
    )
    if extracted is None:
        return ReadResult(rejects=[Reject("no main text found in the HTML (trafilatura extracted nothing)")])
    xml_doc = etree.fromstring(extracted.encode("utf-8"))
    title = xml_doc.get("title") or None
    builder = _main_blocks(xml_doc, title, _captions(tree))
    if not any(b.role in SUBSTANTIVE - {"title"} for b in builder.blocks):
        return ReadResult(rejects=[Reject("only boilerplate: no article text found in the HTML")])
    article = Doc(
        "", "article", builder.text, 0, len(builder.text), builder.blocks, title=title,
        author=xml_doc.get("author") or None, url=xml_doc.get("url") or None,
        published=xml_doc.get("date") or None,
    )
    comments = _comment_docs(tree, article.key)
    article.declared_comment_count = _declared_count(tree)
    if article.declared_comment_count is not None:
        article.thread_cue = "comment count heading"
    article.found_comment_count = len(comments)
    infer_threads(article, comments)
    return ReadResult(docs=[article, *comments])


# ---------------------------------------------------------------------------------------------
# Threads, Q&A pages and page furniture, read from the page's own structure (html_layout.py).

def _title_unit(units: list, tree) -> tuple[object | None, str | None]:
    """Layout: the page's `<h1>`; else an element whose class or microdata names a title or headline
    (an aggregator's title row); else the document `<title>` without its ' | Site' suffix."""
    for kind, text, el in units:
        if kind == "h1" and has_letters(text):
            return el, text
    for kind, text, el in units:
        if kind.startswith("furniture") or kind == "post" or not has_letters(text):
            continue
        for node in (*el.iter(), *el.iterancestors()):
            if not isinstance(node.tag, str):
                continue
            if (node.get("itemprop") in ("headline", "name")
                    or {"title", "headline", "titleline"} & set(class_words(node))):
                return el, text
    head = tree.find(".//title")
    head_text = " ".join((head.text_content() if head is not None else "").split())
    if head_text:
        return None, re.split(r"\s+[|–—]\s+|\s+-\s+", head_text)[0]
    return None, None


def _structured_units(tree):
    body = tree.find("body")
    body = tree if body is None else body
    posts = find_posts(body)
    units: list = []
    walk(body, units, skip={p.el for p in posts})
    return body, posts, units


def _looks_structured(posts: list, units: list) -> str | None:
    """The line that makes a page a forum/aggregator/Q&A thread ('51 points by …', 'Replies: 3',
    '2 Answers', '38 comments'), '' for a page with posts or furniture but no such line, else None."""
    for kind, text, _ in units:
        norm = normalize_text(text)
        if kind != "post" and (THREAD_META_RE.match(norm) or REPLY_COUNT_RE.match(norm)):
            return text
    if posts or any(k.startswith("furniture") for k, _, _ in units):
        return ""
    return None


def _read_structured(tree, units: list, posts: list) -> ReadResult:
    """A thread page (forum, aggregator, Q&A) or a page with furniture, read from its structure."""
    meta = meta_tags(tree)
    header: dict[str, str] = {}
    title_el, title = _title_unit(units, tree)
    if title:
        title = TITLE_DOMAIN_RE.sub("", normalize_text(title))  # Layout: aggregator title '… (example.org)'
    post_els = {p.el: p for p in posts}
    boxes = set(post_els)
    aggregator = next((THREAD_META_RE.match(normalize_text(t)) for k, t, _ in units
                       if k != "post" and THREAD_META_RE.match(normalize_text(t))), None)
    own_text = any(
        k in ("text", "li", "h2", "h3", "h4", "h5", "h6") and el is not title_el and has_letters(t)
        and not line_boilerplate(Line(0, 0, len(t), 0, normalize_text(t))) and meta_header(t) is None
        for k, t, el in units)
    top = [p for p in posts if p.parent is None]
    opening = top[0] if top and aggregator is None and not own_text else None

    b = _Builder()
    seen_title = title_el is None and title is None
    if title_el is None and title:
        b.add("title", title, "document <title>")
        seen_title = True
    declared = None
    cue = None
    for kind, text, el in units:
        if kind == "post":
            if opening is not None and el is opening.el:
                b.add("boilerplate", text_of(opening.byline_el), "opening post byline")
                for role, t, _ in body_blocks(opening, boxes):
                    b.add(_ROLE.get(role, "body"), t, "opening post text")
            continue
        if not has_letters(text):
            continue  # vote arrows, rank numbers, separators
        if declared is None and declared_count(text) is not None:
            declared, cue = declared_count(text), text
        if kind.startswith("furniture"):
            b.add("boilerplate", text, kind.split(":", 1)[1])
            continue
        found = meta_header(text) if not seen_title else None
        if found is not None:
            key, value = found
            if key:
                header.setdefault(key, value)
            b.add("boilerplate", text, "metadata header")
        elif el is title_el and not seen_title:
            b.add("title", title or text, "page title")
            seen_title = True
        elif kind.startswith("h") and not line_boilerplate(Line(0, 0, len(text), 0, normalize_text(text))):
            b.add("heading", text, f"<{kind}>")
        elif kind.startswith("h"):
            b.add("boilerplate", text, f"<{kind}> count line")
        else:
            b.add(_ROLE.get(kind, "body"), text, f"<{el.tag}>")
    article = Doc("", "article", b.text, 0, len(b.text), b.blocks, title=title)
    article.author = ((aggregator.group("name") if aggregator else None)
                      or (opening.author if opening else None) or header.get("author") or meta.get("author"))
    article.url = header.get("url") or meta.get("url")
    article.published = header.get("published") or meta.get("published")

    comments: list[Doc] = []
    key_of: dict[object, str] = {}
    flat: list[tuple[Post, float | None]] = []
    for p in posts:
        if p is opening:
            key_of[p.el] = article.key
            continue
        cb = _Builder()
        cb.add("boilerplate", text_of(p.byline_el), "post byline")
        for role, t, _ in body_blocks(p, boxes):
            cb.add(_ROLE.get(role, "body"), t, "post text")
        key = f"c{len(comments) + 1}"
        key_of[p.el] = key
        if p.parent is not None:
            parent = key_of.get(p.parent.el, article.key)  # Layout: a reply nested in what it answers
        else:
            # Layout: a flat list of posts indented by depth; the nearest earlier post indented less.
            depth = indent_of(p.el)
            parent = next((key_of[q.el] for q, d in reversed(flat)
                           if depth is not None and d is not None and d < depth), article.key)
            flat.append((p, depth))
        times = [t for t in p.el.iter("time") if t.get("datetime")]
        comments.append(Doc(key, "comment", cb.text, 0, len(cb.text), cb.blocks, comment_n=len(comments) + 1,
                            parent_key=parent, author=p.author,
                            published=times[0].get("datetime") if times else None))
    if len(comments) > limits.MAX_COMMENTS_PER_PAGE:
        return ReadResult(rejects=[Reject(limits.comments_reason(len(comments)))])
    article.declared_comment_count = declared
    article.found_comment_count = len(comments)
    article.thread_cue = cue
    infer_threads(article, comments)
    if not any(bl.role in SUBSTANTIVE - {"title"} for d in [article, *comments] for bl in d.blocks):
        return ReadResult(rejects=[Reject("only boilerplate: no article or comment text found in the HTML")])
    return ReadResult(docs=[article, *comments])


_ROLE = {"li": "list_item", "text": "body", "h2": "heading", "h3": "heading", "h4": "heading",
         "h5": "heading", "h6": "heading", "h1": "heading"}
