"""Format readers: the plain-text page reader's rules, JSONL and HTML fixtures, and a property test."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.readers.formats import get_reader
from pipeline.readers.jsonl import read_jsonl
from pipeline.readers.layout import is_space, normalize_text, split_lines
from pipeline.readers.text import read_text_page
from pipeline.readers.threads import addressee, signer

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"


def roles(result, text):
    return [(b.role, text[b.start : b.end]) for d in result.docs for b in d.blocks]


def check_offsets(result):
    """Every block lies inside its document, and every document inside its source text."""
    for d in result.docs:
        assert 0 <= d.start <= d.end <= len(d.source_text)
        assert d.text == d.source_text[d.start : d.end]
        for b in d.blocks:
            assert d.start <= b.start < b.end <= d.end
            assert not is_space(d.source_text[b.start]) and not is_space(d.source_text[b.end - 1])


# --- plain text -------------------------------------------------------------------------------

PAGE = (
    "Sell Before You Market\n\n"
    "Share on Twitter\n\n"
    "founders selling photoFounders should sell first. Talk to ten customers.\n\n"
    "Why it matters\n\n"
    "Marketing is premature before you know the buyer.\n\n"
    "  • Call customers\n"
    "  • Close deals\n\n"
    "Source: Founder Survey 2020\n\n"
    "What do you think? Leave a comment below.\n\n"
    "2 responses\n"
    "Hi Dana, great post. Marketing still matters. Thanks, Lee\n"
    "Lee, you make a fair point about the comment on brand.\n"
)


def test_text_page_title_roles_and_alt_text():
    result = read_text_page(PAGE, "p.txt")
    article = result.docs[0]
    assert article.title == "Sell Before You Market"
    got = roles(result, PAGE)
    assert ("boilerplate", "Share on Twitter") in got
    assert ("boilerplate", "founders selling photo") in got
    assert ("body", "Founders should sell first. Talk to ten customers.") in got
    assert ("heading", "Why it matters") in got
    assert ("list_item", "• Call customers") in got
    assert ("caption", "Source: Founder Survey 2020") in got
    assert ("boilerplate", "2 responses") in got
    check_offsets(result)


def test_text_page_comments_threads():
    result = read_text_page(PAGE, "p.txt")
    article, c1, c2 = result.docs
    assert article.declared_comment_count == 2 and article.found_comment_count == 2
    assert (c1.comment_n, c1.addressed_to, c1.author, c1.parent_key) == (1, "Dana", "Lee", "")
    assert article.author == "Dana"  # greeted together with talk of 'post'
    # Lee is an earlier commenter: the second comment answers the first.
    assert (c2.addressed_to, c2.parent_key) == ("Lee", "c1")
    assert c2.author == "Dana"  # who answers a comment addressed to Dana is Dana


def test_numbered_list_is_not_a_comment_thread():
    text = "Pitfalls\n\nMy list:\n\n  1. Failing to plan\n  2. Failing to sell\n\nThat is all.\n"
    result = read_text_page(text, "l.txt")
    assert [d.kind for d in result.docs] == ["article"]
    assert [r for r, _ in roles(result, text)].count("list_item") == 2


def test_numbered_comment_thread_with_footer():
    text = (
        "A Title\n\nBody text here is long enough.\n\nRepublished with permission.\n\n\n"
        "  1. Ann, the best article so far. I agree.\n\n    A second paragraph.\n\n"
        "  2. Bob,\n\n    Thanks for the comment.\n\n\nPlease enter your comment!\n"
    )
    result = read_text_page(text, "t.txt")
    article, c1, c2 = result.docs
    assert c1.text.startswith("1. Ann") and c1.text.endswith("A second paragraph.")
    assert (c1.author, c1.addressed_to, c2.parent_key, c2.author) == ("Bob", "Ann", "c1", "Ann")
    assert c2.blocks[-1].role == "boilerplate"
    assert article.author == "Ann"


def test_wordpress_bylines_start_comments():
    text = (
        "Title Here\n\nSome article text.\n\n3 comments\n"
        "Ann Lee says:\nMarch 3, 2014 at 5:12 pm\nI disagree with this.\nReply\n"
        "Bo says:\nMe too.\n"
    )
    result = read_text_page(text, "w.txt")
    comments = [d for d in result.docs if d.kind == "comment"]
    assert [c.author for c in comments] == ["Ann Lee", "Bo"]
    assert result.docs[0].declared_comment_count == 3
    assert [b.role for b in comments[0].blocks] == ["boilerplate", "boilerplate", "body", "boilerplate"]


WORDPRESS_PAGE = (
    "Sales First or Marketing First?\n\n"
    "Posted on March 3, 2019 by Ann Lee\n\n"
    "Share this:\nTwitter\nFacebook\n\n"
    "Sell by hand before you run any campaign.\n\n"
    "Like this:\nLike Loading...\n\nRelated\n\n"
    "3 thoughts on “Sales First or Marketing First? A Guide”\n\n"
    "Bo Park says:\nMarch 4, 2019 at 9:12 am\nI disagree. Marketing is what makes the phone ring.\nReply\n\n"
    "Ann Lee says:\nMarch 4, 2019 at 11:40 am\nBo, a brand comes from customers. Sell first.\nReply\n\n"
    "Cy N. says:\nMarch 5, 2019 at 2:03 pm\nGreat post. We burned our seed round on ads.\nReply\n\n"
    "Leave a Reply Cancel reply\nComment\nName *\nEmail *\nWebsite\n"
)

DISQUS_PAGE = (
    "Strategy Before Tactics\n\n"
    "By Ann Lee | 6 min read\n\n"
    "Photo: Unsplash\n\n"
    "Without a market strategy, neither salespeople nor campaigns know which customers to chase.\n\n"
    "3 Comments\n\n"
    "Bo Park • 2 years ago\nTotally agree. We hired sales reps before we knew our segment.\n"
    "△ ▽ • Reply • Share ›\n\n"
    "Cy Diaz • 2 years ago\nThis is academic. Startups need revenue. Go sell.\n△ ▽ • Reply • Share ›\n\n"
    "Ann Lee Mod > Cy Diaz • 2 years ago\nRevenue from the wrong customers is a trap.\n"
    "△ ▽ • Reply • Share ›\n"
)


def test_wordpress_page_bylines_dates_and_form():
    result = read_text_page(WORDPRESS_PAGE, "wp.txt")
    check_offsets(result)
    article, *comments = result.docs
    assert article.author == "Ann Lee"
    assert article.declared_comment_count == 3 == len(comments)
    assert [c.author for c in comments] == ["Bo Park", "Ann Lee", "Cy N."]
    assert comments[1].parent_key == comments[0].key  # the writer answers the reader she greets
    # only the argument is body text: byline, share buttons, count line, dates, reply links, form
    body = [text for role, text in roles(result, WORDPRESS_PAGE) if role not in ("boilerplate", "title")]
    assert body == ["Sell by hand before you run any campaign.",
                    "I disagree. Marketing is what makes the phone ring.",
                    "Bo, a brand comes from customers. Sell first.",
                    "Great post. We burned our seed round on ads."]


def test_disqus_style_thread_with_explicit_reply_target():
    result = read_text_page(DISQUS_PAGE, "dq.txt")
    check_offsets(result)
    article, *comments = result.docs
    assert article.author == "Ann Lee"
    assert [c.author for c in comments] == ["Bo Park", "Cy Diaz", "Ann Lee"]
    assert comments[2].addressed_to == "Cy Diaz" and comments[2].parent_key == comments[1].key
    assert [c.parent_key for c in comments[:2]] == [article.key, article.key]
    body = [text for role, text in roles(result, DISQUS_PAGE) if role not in ("boilerplate", "title")]
    assert len(body) == 4 and not any("Reply" in b or "Unsplash" in b or "min read" in b for b in body)


def test_name_lines_followed_by_a_date_are_bylines():
    """A post that prints the writer's name over 'Follow' and a read time, and comments whose
    writer's name sits on its own line above a date; counters and 'Responses (2)' are furniture."""
    text = (
        "Marketing Is Not a Luxury\n\nAnn Lee\nFollow\n5 min read · Mar 3, 2019\nListen\nShare\n\n"
        "Founders say they will market later. Later never comes.\n\n1.2K\n\n12\n\nResponses (2)\n\n"
        "Bo Park\nMar 4, 2019\nSales closes deals, but marketing decides which deals you get.\nReply\n\n"
        "Cy Diaz\nMar 5, 2019\nDisagree. Every dollar should go to talking with customers.\nReply\n"
    )
    result = read_text_page(text, "m.txt")
    check_offsets(result)
    article, *comments = result.docs
    assert article.author == "Ann Lee" and article.declared_comment_count == 2
    assert [c.author for c in comments] == ["Bo Park", "Cy Diaz"]
    body = [s for role, s in roles(result, text) if role not in ("boilerplate", "title")]
    assert body == ["Founders say they will market later. Later never comes.",
                    "Sales closes deals, but marketing decides which deals you get.",
                    "Disagree. Every dollar should go to talking with customers."]


def test_byline_variants_name_the_writer():
    from pipeline.readers.layout import boilerplate_reason, comment_byline

    assert comment_byline("Ann Lee on March 4, 2019 at 9:12 am said:") == ("Ann Lee", None)
    assert comment_byline("Ann Lee March 4, 2019 at 9:12 am") == ("Ann Lee", None)
    assert comment_byline("Cy N. says:") == ("Cy N.", None)
    assert comment_byline("Ann Lee Mod > Bo Park • 2 years ago") == ("Ann Lee", "Bo Park")
    assert comment_byline("Marketing in 2019 is hard") is None
    assert comment_byline("Disagree.") is None
    assert boilerplate_reason("Pingback: Why sales comes first | A Blog") == "trackback"


def test_by_at_the_start_of_a_sentence_is_not_a_byline():
    text = "A Title\n\nBy Monday we had sold ten licences.\n\nBy the way, marketing can wait.\n"
    result = read_text_page(text, "b.txt")
    assert result.docs[0].author is None
    assert [r for r, _ in roles(result, text)] == ["title", "body", "body"]


def test_no_title_when_first_line_is_a_paragraph():
    text = "This first paragraph is an argument. It has sentences.\nAnother paragraph.\n"
    result = read_text_page(text, "n.txt")
    assert result.docs[0].title is None


def test_mixed_line_endings_keep_offsets():
    text = "A Title\r\n\r\nFirst paragraph here.\rSecond one.\nThird one.\r\n"
    result = read_text_page(text, "m.txt")
    got = roles(result, text)
    assert got == [("title", "A Title"), ("body", "First paragraph here."), ("body", "Second one."),
                   ("body", "Third one.")]
    check_offsets(result)


def test_only_boilerplate_is_rejected():
    result = read_text_page("Share on Facebook\n\nPlease enter your comment!\n", "b.txt")
    assert not result.docs and result.rejects[0].reason.startswith("only boilerplate")


def test_unicode_cleaning_keeps_length_for_offsets():
    raw = "it\u2019s\u00a0here\u200a\u2014\u200a\u201cquoted\u201d\u2026"
    assert normalize_text(raw) == "it's here - \"quoted\"..." or normalize_text(raw).startswith("it's here")


def test_greetings_and_signoffs():
    assert addressee("Hi Jessica, thanks for the great article.") == "Jessica"
    assert addressee("John,") == "John"
    assert addressee("However, this is wrong.") is None
    assert addressee("  1. Mike, the best article") == "Mike"
    assert signer("Great point. Thanks, Sergey") == "Sergey"
    assert signer("I agree with you.") is None


# Text made of the characters pages are made of: words, punctuation, markers, odd spaces, newlines.
page_text = st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("abcXYZ .,:;!?\u2026-•*1234567890()\"'\u201c\u201d\u2019\n\r\t")
                                         + ["\u00a0", "\u200a", "\ufeff", "\u200b"]), max_size=30),
        st.sampled_from(["Hi ", "Thanks, ", " says:", "4 responses", "Share on ", "Source: ", "  1. ",
                         "  2. ", "\n\n", "\n    ", "John,", "Mike, the article", "comment"]),
        st.text(max_size=10),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(page_text)
def test_text_reader_never_crashes_and_accounts_for_every_character(text):
    result = read_text_page(text, "x.txt")
    assert result.docs or result.rejects
    check_offsets(result)
    covered = [False] * len(text)
    for d in result.docs:
        for b in d.blocks:
            for i in range(b.start, b.end):
                assert not covered[i], "blocks overlap"
                covered[i] = True
    # Every character outside the blocks is whitespace (or a file without any text was rejected).
    if result.docs:
        assert all(covered[i] or is_space(ch) for i, ch in enumerate(text))
    # Blocks never split a line and documents never overlap.
    spans = sorted((d.start, d.end) for d in result.docs if d.end > d.start)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))
    assert len(split_lines(text)) >= 1


# --- JSONL ------------------------------------------------------------------------------------

def test_jsonl_fixture_reads_threads_and_authors():
    text = (FIXTURES / "jsonl-sample" / "posts.jsonl").read_text(encoding="utf-8")
    result = read_jsonl(text, "posts.jsonl")
    assert not result.rejects
    articles = [d for d in result.docs if d.kind == "article"]
    assert len(articles) == 2
    first = articles[0]
    assert first.title and first.author and first.url and first.published
    comments = [d for d in result.docs if d.kind == "comment" and d.key.startswith(first.key + "/")]
    assert [c.comment_n for c in comments] == list(range(1, len(comments) + 1))
    assert any(c.parent_key != first.key for c in comments), "a reply to a comment"
    assert all(c.author for c in comments)
    for d in result.docs:
        assert d.start == 0 and d.end == len(d.source_text)
    check_offsets(result)
    assert any(b.role == "boilerplate" for d in result.docs for b in d.blocks)


def test_jsonl_bad_lines_are_rejected_with_line_numbers():
    text = "\n".join([
        json.dumps({"id": "a", "text": "Sales first. Always."}),
        "{not json",
        json.dumps({"id": "b", "title": "No text"}),
        json.dumps({"id": "a", "text": "Again."}),
        json.dumps(["a list"]),
    ])
    result = read_jsonl(text, "x.jsonl")
    assert [d.key for d in result.docs] == ["a"]
    got = {r.line: r.reason for r in result.rejects}
    assert got[2].startswith("malformed JSON")
    assert got[3] == "missing required field 'text' (required: id, text)"
    assert got[4].startswith("duplicate id 'a'")
    assert got[5].startswith("expected a JSON object")


# --- HTML -------------------------------------------------------------------------------------

def test_html_fixture_reads_article_and_comment_thread():
    path = FIXTURES / "html-sample" / "post.html"
    result = get_reader("html")(path.read_text(encoding="utf-8"), "post.html")
    assert not result.rejects
    article = result.docs[0]
    assert article.kind == "article" and article.title and article.author
    roles_found = {b.role for b in article.blocks}
    assert {"title", "heading", "body", "list_item"} <= roles_found
    comments = [d for d in result.docs if d.kind == "comment"]
    assert len(comments) >= 3
    assert all(c.author for c in comments)
    nested = [c for c in comments if c.parent_key != article.key]
    assert nested, "a nested reply answers a comment"
    assert any(c.addressed_to for c in comments)
    check_offsets(result)
    text = " ".join(d.text for d in result.docs)
    assert "Leave a Reply" not in text or any(
        b.role == "boilerplate" for d in result.docs for b in d.blocks
    )
