"""What the structured-export readers share: records, the reply tree, HTML to text, hardened XML.

Each export reader (wxr, disqus, reddit, hn, csv_export) turns its file into `Record`s, one per
post, page, thread, submission, story or comment, in file order; `assemble` turns them into
documents. The rules `assemble` keeps for every format:

- The tree is the source's own: a comment answers the record its parent id names. A comment whose
  parent is not read (ignored by a stated rule, or rejected) answers its nearest read ancestor; a
  parent id the file does not hold at all means the article (as in JSONL). A parent chain that
  loops is a reject.
- Comments come in file order, except that a reply is moved after what it answers (a stable
  topological order: a file whose replies follow their parents keeps its order exactly).
  `comment_n` numbers that order.
- Keys are the source's ids, percent-encoded (`/`, `#`, spaces and the like), so doc_ids are
  stable across reruns: `<corpus>/<file>#<article id>` and `...#<article id>/<comment id>`.
- A document's own text (what its offsets index, like JSONL and HTML) is the article's title, a
  blank line, then its body as plain text; a comment's own text is its body as plain text. HTML
  bodies are converted by `html_to_text`. `line` is the file line the record starts on, where the
  format has lines (XML elements, CSV rows); JSON records are named by their id instead.
- Who a comment addresses is the author of what it answers.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from pipeline.readers import Doc, Ignored, ReadResult, Reject, limits
from pipeline.readers.jsonl import _blocks
from pipeline.readers.threads import addressee
from pipeline.safe_repr import one_line, safe_repr

MAX_ID_CHARS = 200

# ---------------------------------------------------------------------------------------------
# Records


@dataclass
class Record:
    """An article or a comment as an export states it, before the tree is resolved."""

    kind: str  # article | comment
    rid: str  # the source's id
    what: str  # how messages name it: "post 12", "comment 5", "row 7"
    text: str = ""  # the body as plain text
    title: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    parent: str | None = None  # comments: id of the comment or article it answers (None: its article)
    article: str | None = None  # comments: the article's id, where the source states it
    line: int | None = None
    ignore: str | None = None  # the stated rule that ignores it
    problem: str | None = None  # why it is rejected
    declared: int | None = None  # articles: the comment count the source declares


def str_or_none(value: Any) -> str | None:
    """A string field as text, or None if missing, empty or not a string/number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def epoch_to_iso(value: Any) -> str | None:
    """Seconds since 1970 (an int or float) as an ISO 8601 UTC time; None if not a plausible one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 <= value < 32_503_680_000:  # before the year 3000
        return None
    return datetime.fromtimestamp(int(value), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp(value: Any) -> str | None:
    """A timestamp as the source gives it (a string, kept), or an epoch number made ISO 8601."""
    if isinstance(value, str):
        value = value.strip()
        return value if value and len(value) <= 64 else None
    return epoch_to_iso(value)


def _key(rid: str) -> str:
    return quote(rid, safe="-_.~:@+")


# ---------------------------------------------------------------------------------------------
# HTML and plain text

_BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote pre h1 h2 h3 h4 h5 h6 table tr section article header footer dl dt dd "
    "figure figcaption hr address aside details summary".split())
_DROPPED_TAGS = frozenset("script style template noscript iframe object embed head title svg math".split())
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_LOOKS_HTML = re.compile(r"<[a-zA-Z/!]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def clean_plain(text: str) -> str:
    """Plain text with its line breaks kept: spaces collapsed per line, lines stripped, paragraphs
    separated by one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


class HtmlProblem(ValueError):
    """An HTML body that cannot be read safely; the message is the reject reason."""


def html_to_text(fragment: str, newlines: bool) -> str:
    """An HTML body as plain text: block elements (p, li, div, ...) become paragraphs, <br> a line
    break; scripts, styles and comments are dropped; a link is its text (its address is never
    followed or kept). Character references (&amp;, &#x27;) are decoded; the HTML parser loads no
    DTD and opens no network connection. `newlines`: line breaks inside text are kept (WordPress
    bodies, where a line break is one) rather than read as spaces (Disqus, Hacker News).
    A body without tags or character references is read as plain text."""
    if not _LOOKS_HTML.search(fragment):
        return clean_plain(fragment if newlines else _SPACES.sub(" ", fragment.replace("\n", " ")))
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise HtmlProblem(f"HTML body not readable: {one_line(exc, 160)}") from None
    parts: list[str] = []
    depth = 0

    def add(text: str | None) -> None:
        if text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            parts.append(text if newlines else text.replace("\n", " "))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            depth += 1
            if depth > limits.MAX_HTML_DEPTH:
                raise HtmlProblem(f"HTML body nested too deeply: over {limits.MAX_HTML_DEPTH} levels")
            if tag in _DROPPED_TAGS:
                walker.skip_subtree()
                depth -= 1
                if el is not root:
                    add(el.tail)
                continue
            if tag == "br":
                parts.append("\n")
            elif tag in _BLOCK_TAGS:
                parts.append("\n\n")
            add(el.text)
        else:
            depth -= 1
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if el is not root:
                add(el.tail)
    return clean_plain("".join(parts))


# ---------------------------------------------------------------------------------------------
# XML

class XmlProblem(ValueError):
    """An XML export that is not read; the message is the reject reason."""


_DTD_REASON = ("a DOCTYPE or ENTITY declaration: exports never have one, and entities can expand "
               "without bound (billion laughs) or read other files (XXE); the file is not read")


def parse_xml(text: str):
    """The root element of an XML export, parsed with entities, DTDs and the network off.

    A file with a DOCTYPE or an entity declaration is refused whole (it is never an export, and is
    how entity attacks are spelled); so is a syntax error, with its line.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise XmlProblem(_DTD_REASON) from None
        line = f"line {exc.lineno}: " if exc.lineno else ""
        raise XmlProblem(f"{line}not well-formed XML: {one_line(exc.msg or str(exc), 160)}") from None
    except ValueError as exc:
        raise XmlProblem(f"not readable as XML: {one_line(exc, 160)}") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise XmlProblem(_DTD_REASON)
    for el in root.iter():
        if isinstance(el, etree._Entity):
            raise XmlProblem(f"line {el.sourceline}: an entity reference {el.text}; {_DTD_REASON}")
    return root


def xml_text(el, path: str, namespaces: dict[str, str] | None = None) -> str | None:
    """The stripped text of the first element at `path` under `el`, or None."""
    found = el.find(path, namespaces)
    if found is None:
        return None
    return str_or_none("".join(found.itertext()))


# ---------------------------------------------------------------------------------------------
# JSON

def parse_json(text: str) -> tuple[Any, str | None]:
    """(the parsed file, None) or (None, why it cannot be read); never raises."""
    import json

    depth = limits.json_depth(text, stop_above=limits.MAX_EXPORT_JSON_DEPTH)
    if depth > limits.MAX_EXPORT_JSON_DEPTH:
        return None, (f"nested too deeply: over {limits.MAX_EXPORT_JSON_DEPTH} levels of brackets; "
                      "split the thread across files")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"line {exc.lineno}: malformed JSON: {exc.msg} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return None, f"malformed JSON: {one_line(str(exc).split(';')[0], 120)}"


def read_json_export(text: str, is_format, not_format: str, records) -> ReadResult:
    """A JSON export read whole: parsed (depth bounded), checked to be the format (`is_format`, else
    a reject saying `not_format`), turned into `records(data)` and assembled."""
    data, problem = parse_json(text)
    if problem:
        return ReadResult(rejects=[Reject(problem)])
    if not is_format(data):
        return ReadResult(rejects=[Reject(not_format)])
    return assemble(records(data))


# ---------------------------------------------------------------------------------------------
# Assembling

def _text_problem(r: Record) -> str | None:
    for name in ("text", "title", "author", "url", "published"):
        value = getattr(r, name)
        why = limits.not_text(value) if isinstance(value, str) else None
        if why:
            return f"not text: its {name} contains {why}"
    if len(r.text) > limits.MAX_DOCUMENT_CHARS:
        return limits.document_reason(len(r.text), r.kind)
    length, _ = limits.longest_line(r.text)
    if length > limits.MAX_PARAGRAPH_CHARS:
        return limits.paragraph_reason(length)
    if r.kind == "comment" and not r.text:
        return "no text"
    if r.kind == "article" and not r.text and not r.title:
        return "no title and no text"
    if not r.rid:
        return "no id"
    if len(r.rid) > MAX_ID_CHARS:
        return f"id of {len(r.rid)} characters, over the limit of {MAX_ID_CHARS}"
    return None


def assemble(records: list[Record]) -> ReadResult:
    """Documents, rejects and ignored records from an export's records (see the module's rules)."""
    result = ReadResult()

    def named(r: Record) -> str:
        return f"{r.what} {safe_repr(r.rid, 60)}" if r.rid else r.what

    def reject(r: Record, why: str) -> None:
        result.rejects.append(Reject(f"{named(r)}: {why}", r.line))
        status[id(r)] = "rejected"

    articles: dict[str, Record] = {}
    comments: dict[str, Record] = {}
    status: dict[int, str] = {}  # id(record) -> read | ignored | rejected
    firsts: dict[tuple[str, str], Record] = {}
    for r in records:
        problem = r.problem or (None if r.ignore else _text_problem(r))
        first = firsts.get((r.kind, r.rid))
        if first is not None and r.rid:
            where = f" (first on line {first.line})" if first.line is not None else ""
            reject(r, f"duplicate id{where}")
            continue
        firsts[(r.kind, r.rid)] = r
        (articles if r.kind == "article" else comments)[r.rid] = r
        if r.ignore:
            result.ignored.append(Ignored(r.ignore, named(r), r.line))
            status[id(r)] = "ignored"
        elif problem:
            reject(r, problem)
        else:
            status[id(r)] = "read"

    # The article each comment belongs to: where its chain of parents ends (memoised, no recursion).
    top: dict[str, tuple[str | None, bool]] = {}  # comment id -> (article id, its chain loops)
    for rid in comments:
        path: list[str] = []
        on_path: set[str] = set()
        cur = rid
        while cur not in top:
            if cur in on_path:
                top.update((x, (None, True)) for x in path)
                break
            on_path.add(cur)
            path.append(cur)
            p = comments[cur].parent
            if p is not None and p in comments:
                cur = p
                continue
            # No parent, or one the file does not hold: the article the record states (stated rule).
            art = p if p is not None and p in articles else comments[cur].article
            top.update((x, (art, False)) for x in path)
            break
        else:
            top.update((x, top[cur]) for x in path)

    for rid, c in comments.items():
        if status[id(c)] != "read":
            continue
        article, loops = top[rid]
        art = articles.get(article) if article is not None else None
        if loops:
            reject(c, "its chain of parents loops back on itself")
        elif art is None:
            reject(c, f"its article {safe_repr(article, 40)} is not in the file" if article
                   else "no article at the root of its chain of parents")
        elif status[id(art)] == "ignored":
            result.ignored.append(Ignored(f"its {art.what} is ignored ({art.ignore})", named(c), c.line))
            status[id(c)] = "ignored"
        elif status[id(art)] == "rejected":
            reject(c, f"its {named(art)} was rejected")

    def up(x: str) -> str | None:
        p = comments[x].parent
        return p if p is not None and p in comments else None

    nearest: dict[str, str | None] = {}  # comment id -> itself if read, else its nearest read ancestor

    def nearest_read(x: str | None) -> str | None:
        path = []
        while x is not None and x not in nearest:
            if status[id(comments[x])] == "read":
                nearest[x] = x
                break
            path.append(x)
            x = up(x)
        found = nearest.get(x) if x is not None else None
        nearest.update((y, found) for y in path)
        return found

    by_article: dict[str, list[Record]] = {a: [] for a in articles}
    order = {id(r): i for i, r in enumerate(records)}
    parent_of: dict[str, str | None] = {}
    for rid, c in comments.items():
        if status[id(c)] == "read":
            parent_of[rid] = nearest_read(up(rid))
            by_article[top[rid][0]].append(c)

    for aid, art in articles.items():
        if status[id(art)] != "read":
            continue
        mine = by_article[aid]
        if len(mine) > limits.MAX_COMMENTS_PER_PAGE:
            reject(art, limits.comments_reason(len(mine)) + f"; its {len(mine)} comments are not read")
            continue
        akey = _key(aid)
        own = f"{art.title}\n\n{art.text}" if art.title and art.text else (art.title or art.text)
        blocks = _blocks(own, comment=False, has_title=bool(art.title))
        if art.title and blocks:
            blocks[0].role, blocks[0].why = "title", "title field"
        article = Doc(akey, "article", own, 0, len(own), blocks, title=art.title, author=art.author,
                      url=art.url, published=art.published, line=art.line,
                      declared_comment_count=art.declared)
        if art.declared is not None:
            article.thread_cue = f"the export declares {art.declared} comment(s)"
        docs = [article]
        authors = {aid: art.author}
        for n, c in enumerate(_tree_order(mine, parent_of, order), start=1):
            parent = parent_of[c.rid]
            to = authors.get(parent if parent is not None else aid) or addressee(c.text.split("\n", 1)[0])
            docs.append(Doc(
                f"{akey}/{_key(c.rid)}", "comment", c.text, 0, len(c.text), _blocks(c.text, True, False),
                comment_n=n, parent_key=f"{akey}/{_key(parent)}" if parent is not None else akey,
                author=c.author, addressed_to=to, url=c.url, published=c.published, line=c.line,
            ))
            authors[c.rid] = c.author
        article.found_comment_count = len(docs) - 1
        result.docs.extend(docs)
    return result


def _tree_order(comments: list[Record], parent_of: dict[str, str | None], order: dict[int, int]) -> list[Record]:
    """File order, with each reply moved after what it answers (Kahn's algorithm, earliest first)."""
    children: dict[str | None, list[Record]] = {}
    for c in comments:
        children.setdefault(parent_of[c.rid], []).append(c)
    heap = [(order[id(c)], c.rid) for c in children.get(None, [])]
    heapq.heapify(heap)
    by_rid = {c.rid: c for c in comments}
    out: list[Record] = []
    while heap:
        _, rid = heapq.heappop(heap)
        out.append(by_rid[rid])
        for child in children.get(rid, []):
            heapq.heappush(heap, (order[id(child)], child.rid))
    return out
