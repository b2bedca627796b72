"""Structured export readers (WXR, Disqus, Reddit, Hacker News, CSV): fixtures, stated rules, a property test each."""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from corpus_helpers import ingest_one, make_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.errors import CorpusError
from pipeline.ingest import read_corpus
from pipeline.readers.exports import html_to_text
from pipeline.readers.formats import detect_format, get_reader

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = Path(__file__).parent / "fixtures" / "exports"
runner = CliRunner()
PROPERTY = settings(max_examples=40, deadline=timedelta(seconds=2), derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def read_fixture(corpus: str, name: str):
    meta = yaml.safe_load((EXPORTS / corpus / "corpus.yaml").read_text(encoding="utf-8"))
    return get_reader(meta["format"], meta.get("columns"))((EXPORTS / corpus / name).read_text(encoding="utf-8"), name)


def tree(result) -> dict[str, tuple[str | None, str | None]]:
    """key -> (parent key, author) of every document."""
    return {d.key: (d.parent_key, d.author) for d in result.docs}


def check_docs(result):
    """Offsets index each document's own text; replies come after what they answer; keys are unique."""
    seen: set[str] = set()
    for d in result.docs:
        assert d.text == d.source_text[d.start:d.end] and d.text.strip() == d.text
        for b in d.blocks:
            assert d.start <= b.start < b.end <= d.end
        if d.kind == "comment":
            assert d.parent_key in seen, d.key
        assert d.key not in seen
        seen.add(d.key)


# --- fixtures ---------------------------------------------------------------------------------

def test_wxr_fixture_tree_rules_and_html():
    result = read_fixture("wxr-sample", "blog-export.xml")
    check_docs(result)
    assert tree(result) == {
        "41": (None, "owner_k"), "41/301": ("41", "reader_m"), "41/303": ("41/301", "analyst_j"),
        "41/304": ("41/303", "owner_k"),  # listed before its parent in the file
        "41/308": ("41/301", None),  # answers a trashed comment: its nearest read ancestor; no author
        "2": (None, "owner_k"),
    }
    docs = {d.key: d for d in result.docs}
    assert docs["41"].title == "Charge More Than Feels Comfortable"
    assert "Onboarding is research" in docs["41"].text and "&amp;" not in docs["41"].text
    assert "href" not in docs["41"].text and "wp:paragraph" not in docs["41"].text
    assert docs["41/301"].text.endswith("\n\nThe customers who stayed were the ones who needed it.")
    assert docs["41/308"].text == ("Referrals held steady for us after a price rise.\n\nPeople recommend tools that "
                                   "work, not tools that are cheap – at least in the trades we sell to.")
    assert docs["41/301"].published == "2024-03-05 10:02:00" and docs["41/301"].line == 29
    assert [(i.record, i.rule.split(":")[0].split(" (")[0]) for i in result.ignored] == [
        ("comment '305'", "comment marked spam"), ("comment '306'", "comment awaiting moderation"),
        ("comment '307'", "comment in the trash"), ("comment '309'", "pingback"),
        ("item '57'", "WXR item of type 'attachment'"), ("post '60'", "post with status 'draft'")]
    assert not result.rejects


def test_disqus_fixture_tree_rules_and_title_only_thread():
    result = read_fixture("disqus-sample", "comments-export.xml")
    check_docs(result)
    assert tree(result) == {
        "7001": (None, "editor_v"), "7001/8001": ("7001", "founder_q"),
        "7001/8005": ("7001/8001", "ops_lead_t"),  # before its parent in the file
        "7001/8003": ("7001", None),  # anonymous, answering a deleted post
        "7004": (None, "editor_v"), "7004/8006": ("7004", "buyer_s"), "7004/8007": ("7004/8006", "seller_h"),
    }
    docs = {d.key: d for d in result.docs}
    assert docs["7004"].text == "Are Trade Shows Worth the Booth Fee?"
    assert docs["7001/8001"].text == ("Agreed. Our first sales hire spent two months guessing which customers we "
                                      "wanted.\nA written playbook would have saved most of that.")
    assert "& learn from them." in docs["7001/8003"].text
    assert {i.record: i.rule.split(" (")[0] for i in result.ignored} == {
        "thread '7002'": "thread without posts", "thread '7003'": "thread deleted in Disqus",
        "post '8002'": "post deleted", "post '8004'": "post marked spam"}


def test_reddit_fixture_deleted_removed_and_more_stub():
    result = read_fixture("reddit-sample", "thread.json")
    check_docs(result)
    assert tree(result) == {
        "1b2xq9": (None, "signshop_owner"), "1b2xq9/kq1a01": ("1b2xq9", "local_ads_pro"),
        "1b2xq9/kq1b07": ("1b2xq9/kq1a01", "signshop_owner"),
        "1b2xq9/kq1d20": ("1b2xq9/kq1a01", None),  # reply to a [deleted] comment, author [deleted]
        "1b2xq9/kq1f30": ("1b2xq9", "event_planner_z"),
    }
    article = result.docs[0]
    assert article.declared_comment_count == 9 and article.found_comment_count == 4
    assert "instead & wait. Which would you pick > and why?" in article.text
    assert article.published == "2024-03-01T12:00:00Z"
    rules = [i.rule for i in result.ignored]
    assert rules[0].startswith("comment deleted") and rules[2].startswith("comment removed")
    assert rules[1].startswith("more stub: 3 comment(s)")


def test_hn_fixtures_algolia_and_firebase():
    nested = read_fixture("hn-sample", "story-algolia.json")
    check_docs(nested)
    assert tree(nested) == {
        "39100001": (None, "meter_fan"), "39100001/39100010": ("39100001", "cfo_at_saas"),
        "39100001/39100015": ("39100001/39100010", "meter_fan"),
        "39100001/39100021": ("39100001", "ops_person_b"),  # its parent was deleted
    }
    docs = {d.key: d for d in nested.docs}
    assert docs["39100001/39100021"].text.startswith("Sales reps don't mind usage pricing")
    assert docs["39100001/39100021"].text.endswith("See our comp plan notes.")
    assert docs["39100001/39100010"].text.count("\n\n") == 1
    flat = read_fixture("hn-sample", "items-firebase.json")
    check_docs(flat)
    assert tree(flat) == {"39200001": (None, "bootstrapper_d"), "39200001/39200005": ("39200001", "growth_l"),
                          "39200001/39200009": ("39200001/39200005", "bootstrapper_d")}
    assert [i.rule.split(" (")[0] for i in flat.ignored] == ["deleted", "dead"]
    assert flat.docs[0].declared_comment_count == 3 and flat.docs[0].published == "2024-01-23T08:53:20Z"


def test_csv_fixture_mapped_columns_multiline_cells_and_out_of_order_rows():
    result = read_fixture("csv-sample", "board.csv")
    check_docs(result)
    assert tree(result) == {
        "T1": (None, "planning_office"), "T1/R1": ("T1", "field_rep_n"), "T1/R3": ("T1/R1", "field_rep_a"),
        "T1/R2": ("T1", None), "T1/R4": ("T1/R3", "field_rep_n"),
        "T2": (None, "finance_team"), "T2/R5": ("T2", None),
    }
    docs = {d.key: d for d in result.docs}
    assert docs["T1"].title == "Should We Open a Second Sales Office?" and docs["T1"].line == 2
    assert docs["T1"].text.endswith("splits the team.\n\nThe board wants a recommendation by June.")
    assert docs["T1/R3"].line == 5 and docs["T1/R3"].published == "2024-04-02 13:20"


# --- rules and rejects ------------------------------------------------------------------------

def test_csv_bad_rows_are_rejects_with_their_line():
    text = ("id,parent,author,text\n"
            "a,,u1,An article about pricing.\n"
            "b,a,u2\n"  # too few cells
            ",a,u3,No id here.\n"
            "c,zz,u4,My parent is not in the file.\n"
            "a,,u5,Same id again.\n"
            "d,e,u6,A loop.\n"
            "e,d,u7,The other half of the loop.\n"
            "f,a,u8,\n")
    result = get_reader("csv")(text, "x.csv")
    assert [d.key for d in result.docs] == ["a"]
    got = {r.line: r.reason for r in result.rejects}
    assert got[3] == "row has 3 cells, the header 4"
    assert got[4] == "row '#4': empty id"
    assert got[5] == "row 'c': no article at the root of its chain of parents"
    assert got[6].startswith("row 'a#6': duplicate id (first on line 2)")
    assert "loops" in got[7] and "loops" in got[8]
    assert got[9] == "row 'f': no text"


def test_csv_missing_mapped_column_rejects_the_file_naming_the_key():
    result = get_reader("csv", {"text": "body"})("id,parent,message\na,,Hi.\n", "x.csv")
    (reject,) = result.rejects
    assert reject.line == 1 and reject.reason.startswith("columns.text names 'body', which is not in the header")


def test_csv_syntax_error_rejects_the_rest_of_the_file():
    text = 'id,parent,text\na,,"Good row."\nb,a,"unterminated\n'
    result = get_reader("csv")(text, "x.csv")
    assert [d.key for d in result.docs] == ["a"]
    assert "CSV error" in result.rejects[0].reason and "rest of the file" in result.rejects[0].reason


def test_reddit_and_hn_refuse_each_others_files_and_name_the_format():
    reddit = (EXPORTS / "reddit-sample" / "thread.json").read_text(encoding="utf-8")
    hn = (EXPORTS / "hn-sample" / "story-algolia.json").read_text(encoding="utf-8")
    assert get_reader("hn")(reddit, "t.json").rejects[0].reason.startswith("not a Hacker News item")
    assert get_reader("reddit")(hn, "t.json").rejects[0].reason.startswith("not a Reddit thread")
    assert get_reader("reddit")("[1, 2", "t.json").rejects[0].reason.startswith("line 1: malformed JSON")


def test_xml_readers_refuse_each_others_files_and_bad_xml():
    wxr = (EXPORTS / "wxr-sample" / "blog-export.xml").read_text(encoding="utf-8")
    assert get_reader("disqus")(wxr, "x.xml").rejects[0].reason.startswith("not a Disqus export")
    assert get_reader("wxr")("<disqus/>", "x.xml").rejects[0].reason.startswith("not a WordPress export")
    bad = get_reader("wxr")("<rss>\n<channel>\n<item></channel></rss>", "x.xml").rejects[0].reason
    assert bad.startswith("line 3: not well-formed XML")


def test_html_to_text_drops_scripts_keeps_link_text_and_never_follows():
    body = ('<p>Price <b>high</b> &amp; <a href="http://127.0.0.1:9/x">test it</a>.</p><script>alert(1)</script>'
            '<img src="http://127.0.0.1:9/pixel.png"><ul><li>one</li><li>two</li></ul><!-- note -->')
    assert html_to_text(body, newlines=False) == "Price high & test it.\n\none\n\ntwo"
    assert html_to_text("Plain\n\ntext  with   spaces", newlines=True) == "Plain\n\ntext with spaces"
    assert html_to_text("line one\nline two", newlines=False) == "line one line two"


def test_ignored_records_are_listed_in_the_ingest_report(tmp_path):
    folder = tmp_path / "wxr-sample"
    shutil.copytree(EXPORTS / "wxr-sample", folder)
    result = ingest_one(tmp_path, "wxr-sample")
    assert result.stats["files_accounted"] and result.stats["comments"] == 4
    rules = result.stats["ignored_record_rules"]
    assert rules["comment marked spam"] == 1 and rules["pingback"] == 1
    assert {r["record"] for r in result.stats["ignored_records"]} >= {"comment '305'", "item '57'"}
    assert result.stats["by_corpus"]["wxr-sample"]["ignored_records"] == 6
    comment = result.documents[result.documents["doc_id"] == "wxr-sample/blog-export.xml#41/303"].iloc[0]
    assert comment["parent_doc_id"] == "wxr-sample/blog-export.xml#41/301"


def test_a_file_whose_records_are_all_ignored_is_a_reject_saying_so(tmp_path):
    page = json.dumps({"id": 5, "by": "u", "deleted": True, "type": "story"})
    make_corpus(tmp_path, "h", {"gone.json": page}, fmt="hn")
    result = ingest_one(tmp_path, "h")
    (reject,) = result.rejects
    assert "all ignored by stated rules" in reject["reason"] and result.stats["files_accounted"]


def test_corpus_yaml_columns_only_with_csv_and_known_keys(tmp_path):
    make_corpus(tmp_path, "a", {"x.json": "{}"}, fmt="hn", extra="columns:\n  id: row\n")
    with pytest.raises(CorpusError, match=r"corpus.yaml: columns: 'columns' maps CSV columns; it is only allowed"):
        read_corpus(tmp_path, "a", 1000)
    make_corpus(tmp_path, "b", {"x.csv": "id,text\n"}, fmt="csv", extra="columns:\n  body: message\n")
    with pytest.raises(CorpusError, match=r"unknown key 'columns.body' \(allowed under columns: id, parent"):
        read_corpus(tmp_path, "b", 1000)


# --- argmap corpus add: format detection ------------------------------------------------------

def _add(tmp_path, path: Path, *extra: str):
    from pipeline.cli.corpus import corpus_app

    if not (tmp_path / "params.yaml").exists():
        shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    return runner.invoke(corpus_app, ["add", str(path), "--corpora-dir", str(tmp_path / "corpora"),
                                      "--params", str(tmp_path / "params.yaml"), "--no-params", *extra])


@pytest.mark.parametrize(("corpus", "fmt"), [("wxr-sample", "wxr"), ("disqus-sample", "disqus"),
                                             ("reddit-sample", "reddit"), ("hn-sample", "hn")])
def test_corpus_add_detects_export_formats_from_content(tmp_path, corpus, fmt):
    src = tmp_path / "incoming"
    shutil.copytree(EXPORTS / corpus, src, ignore=shutil.ignore_patterns("corpus.yaml"))
    result = _add(tmp_path, src, "--name", "new")
    assert result.exit_code == 0, result.output
    assert f"(format {fmt})" in result.output and "0 reject(s)" in result.output
    assert yaml.safe_load((tmp_path / "corpora" / "new" / "corpus.yaml").read_text())["format"] == fmt


def test_detect_format_is_none_when_the_content_does_not_say():
    assert detect_format(b'{"id": "a", "text": "x"}') is None
    assert detect_format(b"<rss><channel/></rss>") is None
    assert detect_format(b"<!DOCTYPE x [<!ENTITY a 'b'>]><disqus xmlns='http://disqus.com'/>") is None
    assert detect_format(b"\xff\xfe not utf-8") is None


def test_corpus_add_asks_for_format_naming_the_allowed_values(tmp_path):
    (tmp_path / "odd.json").write_text('{"id": "a", "text": "x"}', encoding="utf-8")
    result = _add(tmp_path, tmp_path / "odd.json", "--name", "odd")
    assert result.exit_code == 1
    assert "cannot tell the format of odd.json: pass --format with one of text, jsonl, html, wxr, disqus, reddit, " \
           "hn, csv" in result.output


def test_corpus_add_csv_with_columns(tmp_path):
    src = EXPORTS / "csv-sample" / "board.csv"
    result = _add(tmp_path, src, "--name", "board", "--columns",
                  "id=row_id,parent=reply_to,author=posted_by,timestamp=posted_at,title=subject,text=message")
    assert result.exit_code == 0, result.output
    assert "(format csv)" in result.output and "2 article(s), 5 comment(s), 0 reject(s)" in result.output
    meta = yaml.safe_load((tmp_path / "corpora" / "board" / "corpus.yaml").read_text())
    assert meta["columns"]["parent"] == "reply_to"
    bad = _add(tmp_path, src, "--name", "board2", "--columns", "body=message")
    assert bad.exit_code == 1 and "--columns: 'body=message' is not FIELD=COLUMN" in bad.output


# --- property tests: random trees, serialised, read back ---------------------------------------

WORD = st.text(alphabet="abcdeXYZé&<>\"'.,?!-", min_size=1, max_size=7)
SENTENCE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
BODY = st.lists(SENTENCE, min_size=1, max_size=3).map("\n\n".join)
AUTHOR = st.sampled_from(["user_a", "user_b", "user_c", None])


@dataclass
class Thread:
    title: str
    author: str | None
    body: str
    parents: list[int]  # -1: the article
    authors: list[str | None]
    texts: list[str]
    deleted: list[bool]
    order: list[int]  # file order of the comments

    def expected(self, key) -> dict[str, tuple[str, str | None, str]]:
        """comment key -> (parent key, author, text) of every comment that is read."""
        out = {}
        for i, gone in enumerate(self.deleted):
            if gone:
                continue
            p = self.parents[i]
            while p != -1 and self.deleted[p]:
                p = self.parents[p]
            out[key(i)] = (key(p), self.authors[i], self.texts[i])
        return out


@st.composite
def threads(draw, deletions: bool = True) -> Thread:
    n = draw(st.integers(0, 7))
    parents = [draw(st.integers(-1, i - 1)) for i in range(n)]
    return Thread(draw(SENTENCE), draw(AUTHOR), draw(BODY), parents, [draw(AUTHOR) for _ in range(n)],
                  [draw(BODY) for _ in range(n)],
                  [deletions and draw(st.sampled_from([False, False, False, True])) for _ in range(n)],
                  draw(st.permutations(range(n))))


def check_round_trip(result, thread: Thread, akey: str, ckey) -> None:
    check_docs(result)
    assert not result.rejects, result.rejects
    article, *comments = result.docs
    assert (article.key, article.title, article.author) == (akey, thread.title, thread.author)
    assert article.text == f"{thread.title}\n\n{thread.body}"
    key = lambda i: akey if i == -1 else f"{akey}/{ckey(i)}"  # noqa: E731
    got = {c.key: (c.parent_key, c.author, c.source_text[c.start:c.end]) for c in comments}
    assert got == thread.expected(key)
    assert len(result.ignored) == sum(thread.deleted)


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def to_wxr(t: Thread) -> str:
    comments = "".join(
        f"<wp:comment><wp:comment_id>{100 + i}</wp:comment_id>"
        f"<wp:comment_author>{escape(t.authors[i] or '')}</wp:comment_author>"
        f"<wp:comment_content>{escape(html.escape(t.texts[i], quote=False))}</wp:comment_content>"
        f"<wp:comment_approved>{'trash' if t.deleted[i] else '1'}</wp:comment_approved>"
        f"<wp:comment_parent>{0 if t.parents[i] == -1 else 100 + t.parents[i]}</wp:comment_parent></wp:comment>"
        for i in t.order)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/'
            'modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/'
            f'1.2/"><channel><item><title>{escape(t.title)}</title><dc:creator>{escape(t.author or "")}</dc:creator>'
            f'<content:encoded><![CDATA[{_html(t.body)}]]></content:encoded><wp:post_id>7</wp:post_id>'
            f'<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>{comments}</item></channel></rss>')


@PROPERTY
@given(threads())
def test_wxr_round_trip(thread):
    check_round_trip(get_reader("wxr")(to_wxr(thread), "x.xml"), thread, "7", lambda i: str(100 + i))


def _disqus_author(author: str | None) -> str:
    return f"<author><name>{escape(author)}</name></author>" if author else "<author><isAnonymous>true</isAnonymous></author>"


def to_disqus(t: Thread) -> str:
    posts = "".join(
        f'<post dsq:id="p{i}"><message>{escape(_html(t.texts[i]))}</message>{_disqus_author(t.authors[i])}'
        f'<isDeleted>{str(t.deleted[i]).lower()}</isDeleted><isSpam>false</isSpam><thread dsq:id="T"/>'
        + (f'<parent dsq:id="p{t.parents[i]}"/>' if t.parents[i] != -1 else "") + "</post>"
        for i in t.order)
    return ('<?xml version="1.0" encoding="utf-8"?><disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">'
            f'<thread dsq:id="T"><title>{escape(t.title)}</title><message>{escape(_html(t.body))}</message>'
            f'{_disqus_author(t.author)}<isDeleted>false</isDeleted></thread>{posts}</disqus>')


@PROPERTY
@given(threads())
def test_disqus_round_trip(thread):
    if not thread.parents:  # a thread without posts is ignored by rule: give it a reply to read
        thread.parents, thread.authors, thread.texts, thread.deleted, thread.order = [-1], ["user_a"], ["Hi."], [False], [0]
    check_round_trip(get_reader("disqus")(to_disqus(thread), "x.xml"), thread, "T", lambda i: f"p{i}")


def _children(t: Thread, parent: int) -> list[int]:
    return [i for i in t.order if t.parents[i] == parent]


def to_reddit(t: Thread) -> str:
    def node(i: int) -> dict:
        kids = _children(t, i)
        return {"kind": "t1", "data": {
            "id": f"k{i}", "parent_id": f"t1_k{t.parents[i]}" if t.parents[i] != -1 else "t3_s",
            "author": t.authors[i] or "[deleted]",
            "body": "[deleted]" if t.deleted[i] else html.escape(t.texts[i], quote=False),
            "replies": {"kind": "Listing", "data": {"children": [node(k) for k in kids]}} if kids else ""}}

    submission = {"kind": "t3", "data": {"id": "s", "title": t.title, "author": t.author or "[deleted]",
                                         "selftext": html.escape(t.body, quote=False)}}
    return json.dumps([{"kind": "Listing", "data": {"children": [submission]}},
                       {"kind": "Listing", "data": {"children": [node(i) for i in _children(t, -1)]}}])


@PROPERTY
@given(threads())
def test_reddit_round_trip(thread):
    check_round_trip(get_reader("reddit")(to_reddit(thread), "x.json"), thread, "s", lambda i: f"k{i}")


def to_hn(t: Thread, nested: bool) -> str:
    def item(i: int) -> dict:
        if t.deleted[i]:
            return {"id": 10 + i, "type": "comment", "deleted": True, "parent": 10 + t.parents[i] if t.parents[i] != -1 else 1}
        out = {"id": 10 + i, "type": "comment", "text": _html(t.texts[i]),
               "parent": 10 + t.parents[i] if t.parents[i] != -1 else 1}
        if t.authors[i]:
            out["by"] = t.authors[i]
        return out

    story = {"id": 1, "type": "story", "title": t.title, "text": _html(t.body), **({"by": t.author} if t.author else {})}
    if not nested:
        return json.dumps([story, *(item(i) for i in t.order)])

    def tree_of(i: int) -> dict:
        return {**item(i), "children": [tree_of(k) for k in _children(t, i)]}

    return json.dumps({**story, "children": [tree_of(i) for i in _children(t, -1)]})


@PROPERTY
@given(threads(), st.booleans())
def test_hn_round_trip(thread, nested):
    check_round_trip(get_reader("hn")(to_hn(thread, nested), "x.json"), thread, "1", lambda i: str(10 + i))


def to_csv(t: Thread) -> str:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["who", "body", "key", "answers", "heading"])
    w.writerow([t.author or "", t.body, "A", "", t.title])
    for i in t.order:
        w.writerow([t.authors[i] or "", t.texts[i], f"r{i}", "A" if t.parents[i] == -1 else f"r{t.parents[i]}", ""])
    return out.getvalue()


@PROPERTY
@given(threads(deletions=False))
def test_csv_round_trip(thread):
    columns = {"id": "key", "parent": "answers", "author": "who", "title": "heading", "text": "body"}
    check_round_trip(get_reader("csv", columns)(to_csv(thread), "x.csv"), thread, "A", lambda i: f"r{i}")


def test_corpus_validate_lists_ignored_records_with_their_rule(tmp_path):
    from pipeline.cli.corpus import corpus_app

    shutil.copytree(EXPORTS / "disqus-sample", tmp_path / "corpora" / "disqus-sample")
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    result = runner.invoke(corpus_app, ["validate", "disqus-sample", "--corpora-dir", str(tmp_path / "corpora"),
                                        "--params", str(tmp_path / "params.yaml")])
    assert result.exit_code == 0, result.output
    assert "disqus-sample: 1 file(s), 2 article(s), 5 comment(s), 0 reject(s)" in result.output
    assert "ignored record comments-export.xml line 98 post '8004': post marked spam (isSpam)" in result.output
