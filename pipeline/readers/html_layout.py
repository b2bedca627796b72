"""HTML page layouts beyond a blog post: forum and aggregator threads, Q&A pages, page furniture.

The page is read from its own structure, with lxml, as a careful person reads it. Each rule below
names the layout it reads; none keys on one page's text.

- Page furniture (never body text): `<nav>`, `<footer>`, `<aside>`, ARIA landmarks
  (`role=navigation|contentinfo|search`), search forms, and elements whose class names a
  navigation bar, menu, breadcrumb, footer or search box. Outside posts only: a forum post's own
  `<footer>` holds its byline.
- Metadata header: lines 'Source: <URL>', 'Date: …', 'Author: …' above the title (a page saved
  with a header block) are metadata and boilerplate, never the title; `<meta>` tags
  (author, og:url, canonical link, article:published_time) fill what the header does not state.
- Posts (forum posts, aggregator comments, answers, comments on answers): each byline element (an
  author link or name: class words author/user/username/poster/fn/handle, `itemprop=author`,
  `rel=author`) marks a post; its container is the nearest ancestor whose class or microdata names
  a post (comment, reply, answer, question, post, message; schema.org Comment/Answer/Question),
  else the nearest `<article>`, `<li>` or `<tr>`, else the largest ancestor holding that byline
  alone. A container with no text besides its byline line (an aggregator's metadata row) is not
  a post.
- Reply tree: a post nested inside another post answers it (nested `<div>`/`<ul>`/`<li>`);
  posts laid out flat with an indent (an `indent`/`data-depth`/`data-level`/`aria-level`
  attribute, a `depth-N`/`level-N`/`indent-N` class, an indent spacer image's width, a
  `margin-left`/`padding-left` style) answer the nearest earlier post indented less.
- Opening post: on a forum or Q&A page (no aggregator metadata line, no article text outside the
  posts) the first top-level post is the article itself (the question, the thread's first post);
  posts nested in it answer the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.readers.layout import (
    COMMENT_COUNT_RE,
    META_HEADER_RE,
    REPLY_COUNT_RE,
    THREAD_META_RE,
    URL_LINE_RE,
    furniture_reason,
    normalize_text,
)

_SKIP_TAGS = {"script", "style", "template", "noscript", "head", "title", "meta", "link", "svg",
              "iframe", "object", "embed", "button", "select", "textarea", "input"}
BLOCK_TAGS = {"p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr",
              "blockquote", "pre", "section", "article", "header", "footer", "nav", "main", "aside",
              "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "form", "figure", "figcaption",
              "center", "body", "address", "details", "summary", "br", "hr", "label", "fieldset"}

# Class names are split into words ('comment-body' -> comment, body; 'replyLink' -> reply, link),
# so the rules below read class vocabularies of any site, not one page's names.
_WORD_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_POST_WORDS = {"comment", "comtr", "reply", "answer", "question", "post", "message", "entry"}
_AUTHOR_WORDS = {"author", "user", "username", "poster", "fn", "handle", "hnuser", "nick", "nickname"}
_FURNITURE_WORDS = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "footer",
                    "pagetop", "topbar", "search", "searchbox", "sidebar"}
_BODY_WORDS = {"text", "body", "content", "commtext", "copy", "message"}
_CONTROL_WORDS = {"reply", "vote", "votes", "votelinks", "voting", "controls", "actions", "share",
                  "sharing", "toggle", "collapse", "flag", "permalink"}
_POST_ITEMTYPES = ("schema.org/Comment", "schema.org/Answer", "schema.org/Question",
                   "schema.org/DiscussionForumPosting", "schema.org/SocialMediaPosting")
_INDENT_ATTRS = ("indent", "data-depth", "data-level", "data-indent", "aria-level", "depth", "level")
_INDENT_CLASS = re.compile(r"^(?:depth|level|indent|ind)[-_]?(\d{1,3})$", re.IGNORECASE)
_INDENT_STYLE = re.compile(r"(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


def class_words(el) -> list[str]:
    """The words of an element's class names, lower case ('comment-body c-Reply' -> ...)."""
    out: list[str] = []
    for token in (el.get("class") or "").split():
        out.extend(w.lower() for w in _WORD_SPLIT.split(token) if w)
    return out


def _last_words(el) -> set[str]:
    """The head word of each class name ('comment' of 'c-comment', 'body' of 'comment-body')."""
    out = set()
    for token in (el.get("class") or "").split():
        parts = [w.lower() for w in _WORD_SPLIT.split(token) if w]
        if parts:
            out.add(parts[-1])
    return out


def is_element(el) -> bool:
    return isinstance(el.tag, str)


def text_of(el) -> str:
    """The visible text of an element: scripts, styles and HTML comments left out."""
    parts: list[str] = []
    stack = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if not is_element(node) or node.tag in _SKIP_TAGS:
            continue
        if node.tag == "br":
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return " ".join("".join(parts).split())


# ---------------------------------------------------------------------------------------------
# Element roles

def is_furniture(el) -> str | None:
    """Layout: site navigation, footer, sidebar or search box around the content; why, or None."""
    tag = el.tag
    if tag in ("nav", "footer", "aside"):
        return f"<{tag}>"
    role = (el.get("role") or "").lower()
    if role in ("navigation", "contentinfo", "search", "complementary"):
        return f"role={role}"
    if tag == "form" and (el.xpath(".//input[@type='search' or @name='q' or @name='query' or @name='search']")
                          or "search" in class_words(el)):
        return "search form"
    words = set(class_words(el)) | {w.lower() for w in _WORD_SPLIT.split(el.get("id") or "") if w}
    hit = words & _FURNITURE_WORDS
    return f"class {sorted(hit)[0]}" if hit else None


def is_author(el) -> bool:
    """Layout: a post's byline name (author link or name element)."""
    if el.get("itemprop") == "author" or (el.get("rel") or "").lower() == "author":
        return True
    return bool(_last_words(el) & _AUTHOR_WORDS)


def _post_named(el) -> bool:
    itemtype = el.get("itemtype") or ""
    return any(t in itemtype for t in _POST_ITEMTYPES) or bool(_last_words(el) & _POST_WORDS)


def is_control(el) -> bool:
    """Layout: the reply/vote/share controls printed with each post (no text worth reading)."""
    return bool(set(class_words(el)) & _CONTROL_WORDS) and not any(is_author(d) for d in el.iter())


def author_name(el) -> str | None:
    inner = el.xpath(".//*[@itemprop='name']")
    name = text_of(inner[0]) if inner else text_of(el)
    name = re.sub(r"\s+(?:says|said|wrote)\s*:?\s*$", "", name, flags=re.IGNORECASE).strip()
    return name or None


def indent_of(post) -> float | None:
    """Layout: how far a flat-listed post is indented (attribute, class, spacer width or style)."""
    for el in post.iter():
        if not is_element(el):
            continue
        for attr in _INDENT_ATTRS:
            value = el.get(attr)
            if value is not None and value.strip().isdigit():
                return float(value)
        for token in (el.get("class") or "").split():
            m = _INDENT_CLASS.match(token)
            if m:
                return float(m.group(1))
        m = _INDENT_STYLE.search(el.get("style") or "")
        if m:
            return float(m.group(1))
        if el.tag == "img" and (el.get("width") or "").isdigit() and not (el.get("alt") or "").strip():
            return float(el.get("width"))
    return None


# ---------------------------------------------------------------------------------------------
# Posts

@dataclass
class Post:
    el: object
    author_el: object
    author: str | None
    byline_el: object
    parent: Post | None = None
    children: list = field(default_factory=list)


def _container(author_el, stop):
    """The post element a byline belongs to (see the module docstring), or None."""
    node = author_el.getparent()
    while node is not None and node is not stop:
        if _post_named(node):
            return node
        node = node.getparent()
    node = author_el.getparent()
    while node is not None and node is not stop:
        if node.tag in ("article", "li", "tr"):
            return node
        node = node.getparent()
    best = None
    node = author_el.getparent()
    while node is not None and node is not stop:
        if sum(1 for d in node.iter() if is_element(d) and is_author(d)) > 1:
            break
        best = node
        node = node.getparent()
    return best


def _ancestors(el, stop):
    node = el.getparent()
    while node is not None and node is not stop:
        yield node
        node = node.getparent()


def find_posts(body) -> list[Post]:
    """Every post of a page in document order, with the post it is nested in."""
    furniture = [el for el in body.iter() if is_element(el) and is_furniture(el)]
    furniture_set = set(furniture)
    found: dict[object, Post] = {}
    for el in body.iter():
        if not is_element(el) or el.tag in _SKIP_TAGS or not is_author(el):
            continue
        if any(a in furniture_set for a in _ancestors(el, None)) or el in furniture_set:
            continue
        box = _container(el, body)
        if box is None or box in found:
            continue
        found[box] = Post(box, el, author_name(el), _byline_line(el, box))
    order = {el: i for i, el in enumerate(body.iter())}
    posts = sorted(found.values(), key=lambda p: order.get(p.el, 0))
    # An aggregator's metadata row ('212 points by … | 5 comments') names a user but is no post.
    posts = [p for p in posts if body_blocks(p, set(found)) and not furniture_reason(normalize_text(text_of(p.el)))]
    boxes = {p.el: p for p in posts}
    for p in posts:
        p.parent = next((boxes[a] for a in _ancestors(p.el, body) if a in boxes), None)
    return posts


def _byline_line(author_el, box):
    """The element holding a post's byline line (name, date, links): the largest ancestor of the
    author inside the post that holds no paragraph of the post's text and adds at most a few
    words (a date, 'parent | next' links) to it."""
    best = author_el
    node = author_el.getparent()
    while node is not None and node is not box:
        # A byline line is short: an ancestor adding more than a few words holds the post's text.
        if (node.xpath(".//p|.//blockquote|.//pre|.//*[@itemprop='text']")
                or any(is_element(d) and _last_words(d) & _BODY_WORDS for d in node.iterdescendants())
                or len(text_of(node)) - len(text_of(best)) > 40):
            break
        if any(is_element(d) and d is not author_el and is_author(d) for d in node.iter()):
            break
        best = node
        node = node.getparent()
    return best


def body_blocks(post: Post, boxes: set) -> list[tuple[str, str, object]]:
    """(role, text, element) of a post's own text: its byline line and nested posts left out."""
    out: list[tuple[str, str, object]] = []
    walk(post.el, out, skip={post.byline_el} | (boxes - {post.el}), in_post=True)
    return [b for b in out if b[0] != "post" and not b[0].startswith("furniture") and has_letters(b[1])]


# ---------------------------------------------------------------------------------------------
# The block walk

def block_holders(root) -> set:
    """Elements that hold a block-level element below them (one pass, not one per element)."""
    holders: set = set()
    for el in root.iter():
        if is_element(el) and el.tag in BLOCK_TAGS:
            for a in el.iterancestors():
                if a in holders:
                    break
                holders.add(a)
    return holders


def _role_of(el) -> str:
    if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return el.tag
    if el.tag in ("li", "dd", "dt"):
        return "li"
    return "text"


def walk(el, out: list, skip: set, in_post: bool = False, furniture: str | None = None,
         holders: set | None = None) -> None:
    """Text blocks of `el` in document order: (kind, text, element).

    kind: 'post' (an element in `skip` that is a post, not descended into), 'furniture:<why>'
    (text inside site furniture), 'h1'..'h6', 'li', 'text'. A list of short items inside furniture
    is one block, its items joined by ' | ' (a navigation bar read as one line).
    """
    if not is_element(el) or el.tag in _SKIP_TAGS:
        return
    if holders is None:
        holders = block_holders(el)
    if el in skip:
        out.append(("post", "", el))
        return
    if not in_post and furniture is None:
        furniture = is_furniture(el)
    if in_post and is_control(el):
        return
    if furniture is not None and el.tag in ("ul", "ol", "menu"):
        items = [text_of(li) for li in el if is_element(li)]
        items = [i for i in items if i]
        if items and all(len(i) <= 40 for i in items):
            out.append(("furniture:" + furniture, " | ".join(items), el))
            return
    if el not in holders and not any(d in skip for d in el.iterdescendants()):
        text = text_of(el)
        if text:
            out.append(("furniture:" + furniture if furniture else _role_of(el), text, el))
        return
    run: list[str] = [el.text or ""]

    def flush() -> None:
        text = " ".join("".join(run).split())
        if text:
            out.append(("furniture:" + furniture if furniture else "text", text, el))
        run.clear()

    for child in el:
        if not is_element(child):
            run.append(child.tail or "")
            continue
        if child.tag in BLOCK_TAGS or child in skip or child in holders or any(
                d in skip for d in child.iterdescendants()):
            flush()
            walk(child, out, skip, in_post, furniture, holders)
        elif child.tag not in _SKIP_TAGS:
            run.append(text_of(child) + " ")
        run.append(child.tail or "")
    flush()


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def meta_header(text: str) -> tuple[str, str] | None:
    """('url'|'published'|'author', value) of a metadata header line, or ('', '') for other keys."""
    m = META_HEADER_RE.match(normalize_text(text))
    if not m:
        return None
    key, value = m.group("key").lower(), m.group("value").strip()
    if key in {"source", "url", "link", "permalink"}:
        return ("url", value) if URL_LINE_RE.match(value) else None
    if key in {"date", "published", "posted"}:
        return "published", value
    if key == "author":
        return "author", value
    return "", value


def meta_tags(tree) -> dict[str, str]:
    """Layout: metadata in the page head (<meta name=author>, og:url, canonical, published time)."""
    out: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("name") or m.get("property") or m.get("itemprop") or "").lower()
        value = (m.get("content") or "").strip()
        if not value:
            continue
        if key in ("author", "article:author", "dc.creator"):
            out.setdefault("author", value)
        elif key in ("og:url",):
            out.setdefault("url", value)
        elif key in ("article:published_time", "date", "dc.date", "datepublished", "pubdate"):
            out.setdefault("published", value)
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            out.setdefault("url", link.get("href"))
    return out


def declared_count(text: str) -> int | None:
    """The comment count a thread's metadata or count line declares ('| 38 comments', '2 Answers')."""
    norm = normalize_text(text)
    words = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10}
    m = THREAD_META_RE.match(norm)
    value = m.group("count") if m else None
    m2 = REPLY_COUNT_RE.match(norm)
    if m2:
        value = m2.group("a") or m2.group("b")
    if value is None and COMMENT_COUNT_RE.match(norm):
        value = norm.split()[0]
    if value is None:
        return None
    return int(value) if value.isdigit() else words.get(value.lower())
