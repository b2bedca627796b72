"""WordPress WXR reader: posts and pages of a WordPress export with their threaded comments.

A WXR file is RSS 2.0 with the `wp:` namespace (http://wordpress.org/export/1.x/). Each `item` is
an article: `title`, `dc:creator` (author), `content:encoded` (HTML body), `link`, `wp:post_id`,
`wp:post_date_gmt` (or `wp:post_date`, or `pubDate`). Its `wp:comment` elements are its comments:
`wp:comment_id`, `wp:comment_parent` (0: the post), `wp:comment_author`, `wp:comment_date_gmt`,
`wp:comment_content` (HTML), `wp:comment_approved`, `wp:comment_type`.

Stated rules (each ignored record is listed with its rule in the ingest report):
- only items with `wp:post_type` post or page are read (attachments, menu items, revisions, blocks
  and custom types are site furniture), and only those with `wp:status` publish;
- only approved comments (`wp:comment_approved` 1) are read: 0 (awaiting moderation), spam and
  trash are ignored; pingbacks and trackbacks (`wp:comment_type`) are link notices, not comments;
- a reply to an ignored comment answers the nearest read comment above it (pipeline/readers/exports.py).
The XML is parsed by `exports.parse_xml`: no DTD, no entities, no network.
"""

from __future__ import annotations

import re

from pipeline.readers import ReadResult, Reject
from pipeline.readers.exports import HtmlProblem, Record, XmlProblem, assemble, html_to_text, parse_xml, xml_text
from pipeline.safe_repr import safe_repr

WP_PREFIX = "http://wordpress.org/export/"
_WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_NS = {"content": "http://purl.org/rss/1.0/modules/content/", "dc": "http://purl.org/dc/elements/1.1/"}
_APPROVED = {"1", "approve", "approved"}
_NOT_APPROVED = {"0": "comment awaiting moderation (wp:comment_approved 0)", "hold": "comment awaiting moderation",
                 "spam": "comment marked spam", "trash": "comment in the trash",
                 "post-trashed": "comment of a trashed post"}


def wp_namespace(root) -> str | None:
    """The WXR namespace a root element declares, or None if it is not a WordPress export."""
    if root.tag != "rss":
        return None
    return next((uri for uri in root.nsmap.values() if uri and _WP_NS_RE.match(uri)), None)


def _body(raw: str | None, r: Record) -> str:
    try:
        return html_to_text(raw or "", newlines=True)
    except HtmlProblem as exc:
        r.problem = str(exc)
        return ""


def _date(el, ns: dict[str, str], *paths: str) -> str | None:
    for path in paths:
        value = xml_text(el, path, ns)
        if value and not value.startswith("0000-00-00"):
            return value
    return None


def read_wxr(text: str, source: str) -> ReadResult:
    try:
        root = parse_xml(text)
    except XmlProblem as exc:
        return ReadResult(rejects=[Reject(str(exc))])
    wp = wp_namespace(root)
    if wp is None:
        return ReadResult(rejects=[Reject(
            f"not a WordPress export: the root is {safe_repr(root.tag, 60)}, expected <rss> with the wp: namespace "
            f"({WP_PREFIX}1.2/); pass the right --format")])
    ns = {**_NS, "wp": wp}
    records: list[Record] = []
    for n, item in enumerate(root.iterfind("channel/item"), start=1):
        post_id = xml_text(item, "wp:post_id", ns) or ""
        kind = xml_text(item, "wp:post_type", ns) or "post"
        status = xml_text(item, "wp:status", ns) or "publish"
        post = Record("article", post_id, kind if kind in ("post", "page") else "item", line=item.sourceline,
                      title=xml_text(item, "title"), author=xml_text(item, "dc:creator", ns),
                      url=xml_text(item, "link"),
                      published=_date(item, ns, "wp:post_date_gmt", "wp:post_date", "pubDate"))
        if not post_id:
            post.rid, post.problem = f"#{n}", "no wp:post_id"
        elif kind not in ("post", "page"):
            post.ignore = f"WXR item of type {safe_repr(kind, 40)}: only posts and pages are read"
        elif status != "publish":
            post.ignore = f"{kind} with status {safe_repr(status, 40)}: only published posts and pages are read"
        else:
            post.text = _body(xml_text(item, "content:encoded", ns), post)
        records.append(post)
        for c in item.iterfind("wp:comment", ns):
            cid = xml_text(c, "wp:comment_id", ns) or ""
            parent = xml_text(c, "wp:comment_parent", ns)
            approved = xml_text(c, "wp:comment_approved", ns) or "1"
            ctype = xml_text(c, "wp:comment_type", ns) or "comment"
            rec = Record("comment", cid, "comment", article=post.rid, line=c.sourceline,
                         parent=parent if parent not in (None, "0") else None,
                         author=xml_text(c, "wp:comment_author", ns),
                         published=_date(c, ns, "wp:comment_date_gmt", "wp:comment_date"))
            if not cid:
                rec.rid, rec.problem = f"#{c.sourceline}", "no wp:comment_id"
            elif ctype in ("pingback", "trackback"):
                rec.ignore = f"{ctype}: a link notice, not a comment"
            elif approved not in _APPROVED:
                rec.ignore = _NOT_APPROVED.get(
                    approved, f"wp:comment_approved {safe_repr(approved, 20)}: only approved comments are read")
            else:
                rec.text = _body(xml_text(c, "wp:comment_content", ns), rec)
            records.append(rec)
    if not records:
        return ReadResult(rejects=[Reject("a WordPress export with no item (no post or page)")])
    return assemble(records)
