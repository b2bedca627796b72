"""The text reader on layouts beyond the seed blogs: threads, Q&A pages, newsletters, headers, furniture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate_structure import score_structure_pages
from pipeline.ingest import CorpusSource, ingest_corpora, load_corpus_meta, read_corpus, thread_warning
from pipeline.readers import Doc
from pipeline.readers.text import read_text_page

ROOT = Path(__file__).resolve().parents[1]


def _read(page: str) -> tuple[Doc, list[Doc]]:
    result = read_text_page(page, "page.txt")
    assert not result.rejects
    article, *comments = result.docs
    return article, comments


def _roles(doc: Doc, role: str) -> list[str]:
    return [doc.source_text[b.start:b.end] for b in doc.blocks if b.role == role]


def _all_boilerplate(docs: list[Doc]) -> list[str]:
    return [t for d in docs for t in _roles(d, "boilerplate")]


AGGREGATOR = """Tech Links | new | past | ask | submit

Why our team stopped estimating in story points (example.com)
42 points by reva_n 6 hours ago | hide | past | favorite | 3 comments


Estimates were never the problem; the deadlines attached to them were.


We switched to counting tickets and the forecasts got better.

Nobody misses the planning poker.


Points worked fine for us once managers stopped comparing teams.


Guidelines | FAQ | Lists | API | Security | Legal
Search:
"""


def test_aggregator_thread_separated_by_blank_runs():
    article, comments = _read(AGGREGATOR)
    assert article.title == "Why our team stopped estimating in story points"
    assert article.author == "reva_n"
    assert (article.declared_comment_count, article.found_comment_count) == (3, 3)
    assert [len([b for b in c.blocks if b.role == "body"]) for c in comments] == [1, 2, 1]
    assert all(c.author is None and c.parent_key == "" for c in comments)
    furniture = _all_boilerplate([article, *comments])
    assert "Tech Links | new | past | ask | submit" in furniture
    assert "Search:" in furniture and "Guidelines | FAQ | Lists | API | Security | Legal" in furniture
    assert not any("points by" in t for c in comments for t in _roles(c, "body"))


AGGREGATOR_INDENTED = """Why we rewrote the billing service in a boring language
17 points by kim_o 2 hours ago | hide | past | favorite | 3 comments

lars_v 2 hours ago | next [–]
Boring languages keep the hiring pool wide.

    kim_o 1 hour ago | parent | next [–]
    That was half the reason, the other half was the tooling.

mei_t 1 hour ago | prev [–]
A rewrite is rarely about the language.
"""


def test_aggregator_thread_with_bylines_and_indented_replies():
    article, comments = _read(AGGREGATOR_INDENTED)
    assert article.title == "Why we rewrote the billing service in a boring language"
    assert [c.author for c in comments] == ["lars_v", "kim_o", "mei_t"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert "lars_v 2 hours ago | next [–]" in _all_boilerplate(comments)


FORUM = """Home › Forums › Finance › Budgeting

Zero-based budgeting for a team of twelve
Replies: 2

Posted by olga_p on 2 May 2024
We are asked to justify every line of the budget from zero each year. It takes weeks.

Posted by ravi_k on 3 May 2024
Do it every third year and roll forward in between.

Posted by olga_p on 3 May 2024
Rolling forward is what we did before, and the waste crept back.

Forum rules | Privacy | Contact us
© 2024 Finance Forum. All rights reserved.
"""


def test_forum_thread_with_bylines():
    article, comments = _read(FORUM)
    assert article.title == "Zero-based budgeting for a team of twelve"
    assert article.author == "olga_p"
    assert (article.declared_comment_count, article.found_comment_count) == (2, 2)
    assert [c.author for c in comments] == ["ravi_k", "olga_p"]
    furniture = _all_boilerplate([article, *comments])
    for line in ("Home › Forums › Finance › Budgeting", "Replies: 2", "Posted by olga_p on 2 May 2024",
                 "Forum rules | Privacy | Contact us", "© 2024 Finance Forum. All rights reserved."):
        assert line in furniture


QA = """Questions | Tags | Users

Should feature flags live in the database or in config files?
Asked by tariq_h · 1 year ago · Viewed 400 times

We deploy twice a day and flags in config files need a deploy to change.

2 Answers

Answer by june_b · 7 votes
Put them in the database with a cache, so support can flip them without a deploy.

Answer by sam_r · 2 votes
Keep them in config: a flag change should be reviewed like code.
"""


def test_qa_page_question_is_the_article_answers_are_comments():
    article, comments = _read(QA)
    assert article.title == "Should feature flags live in the database or in config files?"
    assert article.author == "tariq_h"
    assert (article.declared_comment_count, article.found_comment_count) == (2, 2)
    assert [c.author for c in comments] == ["june_b", "sam_r"]
    assert "2 Answers" in _roles(article, "boilerplate")
    assert "Asked by tariq_h · 1 year ago · Viewed 400 times" in _roles(article, "boilerplate")


NEWSLETTER = """Ops Weekly

Issue 7: Runbooks and pager fatigue

In this issue:
- Runbooks nobody reads
- Paging less

Runbooks nobody reads
A runbook that is not tested during drills is out of date within months.

Paging less
Most pages at night are for problems that can wait until morning.

You are receiving this because you subscribed to Ops Weekly.
Unsubscribe | View in browser
"""


def test_newsletter_table_of_contents_is_not_body():
    article, comments = _read(NEWSLETTER)
    assert comments == []
    assert article.title == "Issue 7: Runbooks and pager fatigue"
    assert _roles(article, "heading") == ["Runbooks nobody reads", "Paging less"]
    furniture = _roles(article, "boilerplate")
    assert {"Ops Weekly", "In this issue:", "- Runbooks nobody reads", "- Paging less",
            "Unsubscribe | View in browser"} <= set(furniture)
    assert _roles(article, "list_item") == []


HEADER = """Source: https://example.com/posts/vendor-lock-in
Date: 2022-09-30
Author: Ines Moreau

Vendor lock-in is a pricing problem

Switching costs matter only when the vendor raises prices. Negotiate the renewal terms up front.
"""


def test_metadata_header_is_metadata_never_the_title():
    article, _ = _read(HEADER)
    assert article.title == "Vendor lock-in is a pricing problem"
    assert article.url == "https://example.com/posts/vendor-lock-in"
    assert article.published == "2022-09-30"
    assert article.author == "Ines Moreau"
    assert _roles(article, "boilerplate") == HEADER.splitlines()[:3]


BLOG = """Home | Blog | Talks | Contact
Search:

Write the postmortem before the fix

The fix removes the evidence. Writing down what happened first keeps the timeline honest.

Tags: incidents
© 2023 Field Notes. All rights reserved.
Powered by a static site generator
"""


def test_blog_navigation_and_footer_are_boilerplate():
    article, _ = _read(BLOG)
    assert article.title == "Write the postmortem before the fix"
    assert _roles(article, "body") == [BLOG.splitlines()[5]]
    assert set(_roles(article, "boilerplate")) == {*BLOG.splitlines()[:2], *BLOG.splitlines()[7:10]}


def _source(tmp_path: Path, pages: dict[str, str]) -> CorpusSource:
    folder = tmp_path / "threads"
    folder.mkdir()
    (folder / "corpus.yaml").write_text("name: threads\ndescription: d\nsource: s\nlicense: l\nlanguage: en\nformat: text\n")
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return read_corpus(tmp_path, "threads", 1_000_000)


def test_thread_with_too_few_comments_is_warned_about(tmp_path):
    flat = AGGREGATOR.replace("\n\n\n", "\n")  # comments run together: one comment read of three
    stub = "A question about pricing pages\nReplies: 5\n\nPosted by ana_b on 1 May 2024\nWhy hide prices?\n"
    result = ingest_corpora([_source(tmp_path, {"a.txt": AGGREGATOR, "b.txt": flat, "c.txt": stub})])
    warned = {w["source"]: w["warning"] for w in result.stats["thread_warnings"]}
    assert set(warned) == {"b.txt", "c.txt"}
    assert "declares 3 comment(s) but 1 were read" in warned["b.txt"]
    assert "declares 5 comment(s) but 0 were read" in warned["c.txt"]


def test_thread_cue_without_any_comment_is_warned_about():
    article = Doc("", "article", "", 0, 0, thread_cue="Comments")
    assert "no comment was read" in thread_warning(article, 0)
    assert thread_warning(article, 1) is None
    assert thread_warning(Doc("", "article", "", 0, 0), 0) is None


def test_corpus_validate_prints_thread_warnings(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli.corpus import corpus_app

    _source(tmp_path, {"b.txt": AGGREGATOR.replace("\n\n\n", "\n")})
    result = CliRunner().invoke(corpus_app, ["validate", "threads", "--corpora-dir", str(tmp_path),
                                             "--params", str(tmp_path / "none.yaml")])
    assert result.exit_code == 0, result.output
    assert "warning b.txt: the page declares 3 comment(s) but 1 were read" in result.output


def test_seed_blogs_raise_no_thread_warning():
    result = ingest_corpora([read_corpus(ROOT / "corpora", "seed-blogs", 5_000_000)])
    assert result.stats["thread_warnings"] == []


@pytest.fixture(scope="module")
def pages_metrics() -> dict[str, float | None]:
    pages = ingest_corpora([read_corpus(ROOT / "corpora", "structure-pages", 5_000_000)])
    gold = json.loads((ROOT / "corpora" / "annotations" / "structure_pages.json").read_text(encoding="utf-8"))
    return score_structure_pages(pages.documents, pages.blocks, gold)


def test_structure_pages_gold_covers_six_layouts():
    gold = json.loads((ROOT / "corpora" / "annotations" / "structure_pages.json").read_text(encoding="utf-8"))
    seed = json.loads((ROOT / "corpora" / "annotations" / "seed_structure.json").read_text(encoding="utf-8"))
    assert len(gold["documents"]) >= 12
    assert len({d["file"].split("_")[0] for d in gold["documents"]}) >= 6
    seed_fields = {k for d in seed["documents"] for k in d} - {"list_lines", "captions", "headings", "notes"}
    assert all(seed_fields <= set(d) for d in gold["documents"])
    assert load_corpus_meta(ROOT / "corpora" / "structure-pages").format == "text"


def test_structure_pages_metrics_are_at_least_095_per_field(pages_metrics):
    assert pages_metrics, "no metric computed"
    low = {k: v for k, v in pages_metrics.items() if v is None or v < 0.95}
    assert not low, low
    for field in ("titles_correct", "comment_counts_correct", "boilerplate_precision", "url_correct"):
        assert field in pages_metrics
