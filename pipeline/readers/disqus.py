"""Disqus XML export reader: threads (the pages) with their posts (the comments) and `parent` links.

A Disqus export is `<disqus xmlns="http://disqus.com">` holding `category`, `thread` and `post`
elements, linked by `dsq:id` attributes. A thread is an article: `title`, `link`, `message` (often
empty: the page itself lives on the site), `createdAt`, `author/name` (or `author/username`). A post
is a comment: `message` (HTML), `createdAt`, `author`, `thread dsq:id` (its article) and an optional
`parent dsq:id` (the post it answers; none: the thread).

Stated rules (each ignored record is listed with its rule in the ingest report):
- a thread without posts is ignored (Disqus lists every page it has seen, commented or not);
- a deleted thread (`isDeleted` true) is ignored with its posts;
- deleted posts (`isDeleted` true) and spam (`isSpam` true) are ignored; their replies answer the
  nearest read post above them;
- a thread with neither title nor message is a reject, and so are its posts.
An article whose thread has no message is its title alone. The XML is parsed by
`exports.parse_xml`: no DTD, no entities, no network.
"""

from __future__ import annotations

from pipeline.readers import ReadResult, Reject
from pipeline.readers.exports import HtmlProblem, Record, XmlProblem, assemble, html_to_text, parse_xml, xml_text
from pipeline.safe_repr import safe_repr

DISQUS_NS = "http://disqus.com"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
_NS = {"d": DISQUS_NS}


def is_disqus(root) -> bool:
    return root.tag == f"{{{DISQUS_NS}}}disqus"


def _true(el, path: str) -> bool:
    return (xml_text(el, path, _NS) or "").lower() == "true"


def _author(el) -> str | None:
    return xml_text(el, "d:author/d:name", _NS) or xml_text(el, "d:author/d:username", _NS)


def _message(el, rec: Record) -> None:
    if rec.ignore or rec.problem:
        return
    try:
        rec.text = html_to_text(xml_text(el, "d:message", _NS) or "", newlines=False)
    except HtmlProblem as exc:
        rec.problem = str(exc)


def _ref(el, path: str) -> str | None:
    found = el.find(path, _NS)
    return (found.get(DSQ_ID) or "").strip() or None if found is not None else None


def read_disqus(text: str, source: str) -> ReadResult:
    try:
        root = parse_xml(text)
    except XmlProblem as exc:
        return ReadResult(rejects=[Reject(str(exc))])
    if not is_disqus(root):
        return ReadResult(rejects=[Reject(
            f"not a Disqus export: the root is {safe_repr(root.tag, 60)}, expected <disqus xmlns=\"{DISQUS_NS}\">; "
            "pass the right --format")])
    threads: list[Record] = []
    posts: list[Record] = []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        if el.tag == f"{{{DISQUS_NS}}}thread":
            rec = Record("article", (el.get(DSQ_ID) or "").strip(), "thread", line=el.sourceline,
                         title=xml_text(el, "d:title", _NS), author=_author(el), url=xml_text(el, "d:link", _NS),
                         published=xml_text(el, "d:createdAt", _NS))
            if not rec.rid:
                rec.rid, rec.problem = f"#{el.sourceline}", "no dsq:id"
            elif _true(el, "d:isDeleted"):
                rec.ignore = "thread deleted in Disqus (isDeleted)"
            _message(el, rec)
            threads.append(rec)
        elif el.tag == f"{{{DISQUS_NS}}}post":
            rec = Record("comment", (el.get(DSQ_ID) or "").strip(), "post", line=el.sourceline,
                         author=_author(el), published=xml_text(el, "d:createdAt", _NS),
                         article=_ref(el, "d:thread"), parent=_ref(el, "d:parent"))
            if not rec.rid:
                rec.rid, rec.problem = f"#{el.sourceline}", "no dsq:id"
            elif rec.article is None:
                rec.problem = "no <thread dsq:id=...>: the post names no thread"
            elif _true(el, "d:isDeleted"):
                rec.ignore = "post deleted (isDeleted)"
            elif _true(el, "d:isSpam"):
                rec.ignore = "post marked spam (isSpam)"
            _message(el, rec)
            posts.append(rec)
    with_posts = {p.article for p in posts}
    for rec in threads:
        if rec.rid not in with_posts and not rec.ignore and not rec.problem:
            rec.ignore = "thread without posts (Disqus lists every page it has seen, commented or not)"
    if not threads and not posts:
        return ReadResult(rejects=[Reject("a Disqus export with no thread and no post")])
    return assemble([*threads, *posts])
