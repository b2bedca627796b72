"""The text reader on layouts beyond the seed blogs: threads, Q&A pages, newsletters, headers, furniture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate_structure import score_structure_pages
from pipeline.ingest import CorpusSource, ingest_corpora, load_corpus_meta, read_corpus, thread_warning
from pipeline.readers import Doc
from pipeline.readers.layout import boilerplate_reason
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


# The pages of the later rounds (full-page copies of forums, comment systems, newsletters and Q&A sites):
# each round developed on them, and they keep a few misses (see corpora/annotations/README.md).
LATER_ROUNDS = ("e", "f", "g", "i", "j", "k", "l", "o", "p", "r", "s", "t", "u", "v", "w", "x", "y", "z")


@pytest.fixture(scope="module")
def structure_pages():
    pages = ingest_corpora([read_corpus(ROOT / "corpora", "structure-pages", 5_000_000)])
    gold = json.loads((ROOT / "corpora" / "annotations" / "structure_pages.json").read_text(encoding="utf-8"))
    return pages, gold


@pytest.fixture(scope="module")
def pages_metrics(structure_pages) -> dict[str, float | None]:
    pages, gold = structure_pages
    first = {**gold, "documents": [d for d in gold["documents"] if not d["file"].startswith(LATER_ROUNDS)]}
    return score_structure_pages(pages.documents, pages.blocks, first)


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


# The last eight sets (business-operations pages; Q&A, forum, Disqus, trade-magazine and social pages;
# fediverse, code-host discussion, Q&A, WordPress, video and mailing-list pages; aggregators, forums,
# newsletters and communities on business operations; blogs, newsletters, forums and aggregators on
# small-business work; news, blog, LinkedIn, social-group, forum and Q&A pages; older boards, a list
# archive, aggregators, signed comments and a listing's Q&A; a vendor community, a UK board, plugins and a
# review page; newsletters, a news site, two forums, an aggregator, a social post and a Medium-like article;
# a federated aggregator, a launch page, blogs, two forums and a Mastodon-like thread)
# each came harder than the sets before them: scored as they came (docs/EXPERIMENTS.md), then developed on,
# and held to a lower bar than the 109 pages before them.
LATER_SETS = ("g", "i", "j", "k", "l", "o", "p", "s", "t", "u")


@pytest.mark.parametrize(("later", "bar"), [(False, 0.88), (True, 0.85)])
def test_structure_pages_together_meet_their_bar_per_field(structure_pages, later, bar):
    pages, gold = structure_pages
    assert len(gold["documents"]) >= 189
    if not later:
        gold = {**gold, "documents": [d for d in gold["documents"] if not d["file"].startswith(LATER_SETS)]}
        assert len(gold["documents"]) >= 109
    metrics = score_structure_pages(pages.documents, pages.blocks, gold)
    low = {k: v for k, v in metrics.items() if v is None or v < bar}
    assert not low, low


# --- Layouts the reader was not written for: site menus, post headers that repeat, thread furniture ---


def _bodies(docs: list[Doc]) -> list[str]:
    return [t for d in docs for t in _roles(d, "body")]


MENU_PAGE = """Skip to main content
Pantry Notes
Sign in
Subscribe

Freezing bread without freezer burn
Kitchen tips

By Ruth Amsel · May 2, 2024 · 3 min read
Share on X
Email

Slice the loaf before freezing so you can take out one slice at a time. Double-bag it and press the air out.

Related
How long does flour keep?
Ten uses for stale bread

Get our weekly kitchen note
Your email address
Subscribe

© 2024 Pantry Notes
"""


def test_title_after_a_site_menu_and_article_furniture_around_it():
    article, comments = _read(MENU_PAGE)
    assert comments == []
    assert article.title == "Freezing bread without freezer burn"
    assert article.author == "Ruth Amsel"
    assert _roles(article, "body") == [
        "Slice the loaf before freezing so you can take out one slice at a time. Double-bag it and press the air out."]
    furniture = _roles(article, "boilerplate")
    for line in ("Skip to main content", "Pantry Notes", "Sign in", "Kitchen tips", "Related",
                 "How long does flour keep?", "Ten uses for stale bread", "Get our weekly kitchen note",
                 "Your email address", "© 2024 Pantry Notes"):
        assert line in furniture


RECIPE = """Home
Recipes
Sign in

Quick pan flatbread

Flour
Water
Salt
Oil

Mix everything into a soft dough and rest it for ten minutes. Cook it in a dry pan until it puffs.

Baking
Bread
Weeknight
"""


def test_tags_after_the_text_are_furniture_but_a_list_before_it_is_not():
    article, _ = _read(RECIPE)
    furniture = _roles(article, "boilerplate")
    assert {"Baking", "Bread", "Weeknight"} <= set(furniture)
    assert not {"Flour", "Water", "Salt", "Oil"} & set(furniture)


REDDIT_LIKE = """Log In
Search

r/sourdough
Posted by u/crumb_shot 3h ago
Starter smells like nail polish remover
Help

Fed it twice a day for a week and now it smells sharp. Is it ruined?

4 Comments

level 1
rye_baker · 2h ago
That smell means it is hungry. Feed it more often or at a higher ratio.
12 points
Reply Share

level 2
crumb_shot OP · 2h ago
Would a one to five feed be enough?
3 points
Reply Share

level 1
levain_lou · 1h ago
Mine did the same in summer. A cooler spot fixed it.
5 points
Reply Share

View more comments
"""


def test_label_and_byline_above_the_title_and_nesting_levels():
    article, comments = _read(REDDIT_LIKE)
    assert article.title == "Starter smells like nail polish remover"
    assert article.author == "crumb_shot"
    assert {"r/sourdough", "Posted by u/crumb_shot 3h ago", "Help"} <= set(_roles(article, "boilerplate"))
    assert (article.declared_comment_count, article.found_comment_count) == (4, 3)
    assert [c.author for c in comments] == ["rye_baker", "crumb_shot", "levain_lou"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert comments[0].text.startswith("rye_baker · 2h ago")  # 'level 1' closes what comes before
    assert _bodies(comments) == ["That smell means it is hungry. Feed it more often or at a higher ratio.",
                                 "Would a one to five feed be enough?",
                                 "Mine did the same in summer. A cooler spot fixed it."]
    assert "View more comments" in _roles(comments[-1], "boilerplate")


FORUM_ECHO = """Harbour Sailing Club Forum
Members area

Reefing early on a small keelboat
Post Reply
3 posts • Page 1 of 1

Reefing early on a small keelboat
Post by tiller_tom » Sat Jun 1, 2024 8:10 am
When do you put the first reef in? I usually wait until the boat heels too far.
Tom — two seasons on a Drascombe
Top

Re: Reefing early on a small keelboat
Post by jib_sheet » Sat Jun 1, 2024 9:45 am
As soon as you wonder whether you should. Shaking a reef out is easier than putting one in.
Top

Re: Reefing early on a small keelboat
Post by tiller_tom » Sat Jun 1, 2024 6:30 pm
jib_sheet wrote: ↑Sat Jun 1, 2024 9:45 am
As soon as you wonder whether you should.
Tried it this afternoon and the boat was far more comfortable.
Tom — two seasons on a Drascombe
Top
"""


def test_title_a_later_re_line_repeats_and_forum_posts_under_repeated_headers():
    article, comments = _read(FORUM_ECHO)
    assert article.title == "Reefing early on a small keelboat"
    assert {"Harbour Sailing Club Forum", "Members area"} <= set(_roles(article, "boilerplate"))
    assert article.author == "tiller_tom"  # the opening post is the article
    assert _roles(article, "body") == ["When do you put the first reef in? I usually wait until the boat heels too far."]
    assert article.declared_comment_count == 2  # '3 posts' counts the opening post
    assert [c.author for c in comments] == ["jib_sheet", "tiller_tom"]
    assert all(c.text.startswith("Re: Reefing early") for c in comments)
    assert comments[1].parent_key == "c1"  # it quotes the first reply
    furniture = _all_boilerplate([article, *comments])
    assert furniture.count("Tom — two seasons on a Drascombe") == 2  # a signature repeats
    assert "jib_sheet wrote: ↑Sat Jun 1, 2024 9:45 am" in furniture and "Top" in furniture


DOT_THREAD = """Why we stopped using story points
Comments

amara_k · 3h
We switched to counting items per week and nobody misses the estimates.

jon_b · 2h
@amara_k did your forecasts get worse?

amara_k · 1h
jon_b, no, they got better because nobody pads a count.
"""


def test_three_comments_under_repeated_name_and_time_headers():
    article, comments = _read(DOT_THREAD)
    assert article.title == "Why we stopped using story points"
    assert [c.author for c in comments] == ["amara_k", "jon_b", "amara_k"]
    assert [c.parent_key for c in comments] == ["", "c1", "c2"]
    assert [c.addressed_to for c in comments] == [None, "amara_k", "jon_b"]
    assert [_roles(c, "boilerplate") for c in comments] == [["amara_k · 3h"], ["jon_b · 2h"], ["amara_k · 1h"]]


LETTER = """The Tidy Shed
Subscribe
Sign in

Label the shelves, not the boxes
Boxes move; shelves stay where they are.
Pia Lund
Jun 3, 2024

Once a shelf has a label, whatever sits on it goes back to the same place.

3 Comments

Oskar Berg
Jun 3
Labelled shelves lasted a month in our garage before the kids won.
Like (2)
Reply

Pia Lund
Author
Jun 4
Oskar, put the labels at child height and try again.
Like (1)
Reply

Ilse Vik
Jun 5
We use photos instead of words so everyone understands them.
Like
Reply

© 2024 Pia Lund
Start writing
"""


def test_name_and_date_lines_with_a_badge_controls_and_a_page_footer():
    article, comments = _read(LETTER)
    assert article.title == "Label the shelves, not the boxes"
    assert article.author == "Pia Lund"
    assert (article.declared_comment_count, article.found_comment_count) == (3, 3)
    assert [c.author for c in comments] == ["Oskar Berg", "Pia Lund", "Ilse Vik"]
    assert (comments[1].parent_key, comments[1].addressed_to) == ("c1", "Oskar Berg")
    assert [c.parent_key for c in (comments[0], comments[2])] == ["", ""]
    assert _bodies(comments) == ["Labelled shelves lasted a month in our garage before the kids won.",
                                 "Oskar, put the labels at child height and try again.",
                                 "We use photos instead of words so everyone understands them."]
    assert {"Author", "Like (1)", "Reply", "© 2024 Pia Lund", "Start writing"} <= set(_all_boilerplate(comments))


QA_TRAILING = """Garden Answers
Questions
Log in

Why are my courgette flowers falling off?
Asked 1 month ago

The plant flowers every day but no fruit sets. The flowers just drop.

Share
Follow
asked Jul 2, 2023 at 8:00
veg_patch_vi
51 ● 2

2 Answers

6

Those are male flowers. The female ones have a tiny courgette behind the petals and come later.

Share
Follow
answered Jul 2, 2023 at 9:30
allotment_al
1,020 ● 4 ● 9

Thanks, I had no idea there were two kinds. – veg_patch_vi Jul 2, 2023 at 10:05
Add a comment

1

Hand-pollinate with a small brush once the first female flower opens.

Share
Follow
answered Jul 3, 2023 at 7:45
bee_less
12 ● 1
Add a comment

Your Answer
"""


def test_posts_signed_at_their_end_and_one_line_comments_under_an_answer():
    article, comments = _read(QA_TRAILING)
    assert article.title == "Why are my courgette flowers falling off?"
    assert article.author == "veg_patch_vi"
    assert article.declared_comment_count == 2
    assert [c.author for c in comments] == ["allotment_al", "veg_patch_vi", "bee_less"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert comments[0].text.startswith("Those are male flowers.")  # the vote count '6' is not the answer
    assert _roles(comments[1], "body") == ["Thanks, I had no idea there were two kinds."]
    assert _bodies(comments) == [
        "Those are male flowers. The female ones have a tiny courgette behind the petals and come later.",
        "Thanks, I had no idea there were two kinds.",
        "Hand-pollinate with a small brush once the first female flower opens."]


MAIL_THREAD = """lists.example.org
[Date Prev][Date Next][Thread Prev][Thread Next]

Choir rehearsal moved to Thursdays

From: Greta Holm <greta@example.org>
Date: Mon, 3 Jun 2024 18:00:00 +0200
Subject: [choir] Choir rehearsal moved to Thursdays

From next week we rehearse on Thursdays at 19:30, same hall.
--
choir mailing list
choir@lists.example.org

From: Aled Rhys <aled@example.net>
Date: Mon, 3 Jun 2024 19:12:00 +0200
Subject: Re: [choir] Choir rehearsal moved to Thursdays

On Mon, 3 Jun 2024, Greta Holm wrote:
> From next week we rehearse on Thursdays at 19:30

Thursdays clash with the football for a few of the basses.
--
choir mailing list
choir@lists.example.org

From: Greta Holm <greta@example.org>
Date: Tue, 4 Jun 2024 08:05:00 +0200
Subject: Re: [choir] Choir rehearsal moved to Thursdays

On Mon, 3 Jun 2024, Aled Rhys wrote:
> Thursdays clash with the football for a few of the basses.

Aled, we can start at 20:00 on match nights.
--
choir mailing list
choir@lists.example.org
"""


def test_mail_thread_replies_follow_what_they_quote_and_the_list_footer_is_furniture():
    article, comments = _read(MAIL_THREAD)
    assert article.title == "Choir rehearsal moved to Thursdays"
    assert article.author == "Greta Holm"
    assert article.declared_comment_count is None
    assert [c.author for c in comments] == ["Aled Rhys", "Greta Holm"]
    assert [c.parent_key for c in comments] == ["", "c1"]  # each quotes the message before it
    assert [c.addressed_to for c in comments] == [None, "Aled Rhys"]
    assert all(c.text.startswith("From: ") for c in comments)
    furniture = _all_boilerplate([article, *comments])
    assert furniture.count("choir mailing list") == 3 and furniture.count("choir@lists.example.org") == 3
    assert "On Mon, 3 Jun 2024, Aled Rhys wrote:" in furniture
    assert "Aled, we can start at 20:00 on match nights." in _roles(comments[1], "body")


AGG_PARENT_LINKS = """Why our team moved off microservices
58 points by kora_v 4 hours ago | hide | past | favorite | 12 comments

tamsin_o 3 hours ago | next [–]
The network calls were the real cost, not the code.

kora_v 3 hours ago | parent | next [–]
Exactly, half our latency was serialisation.

bryn_x 2 hours ago | prev [–]
Monoliths are fine until the deploys collide.
"""


def test_parent_links_without_indentation_answer_the_comment_above():
    article, comments = _read(AGG_PARENT_LINKS)
    assert (article.title, article.author, article.declared_comment_count) == (
        "Why our team moved off microservices", "kora_v", 12)
    assert [c.author for c in comments] == ["tamsin_o", "kora_v", "bryn_x"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]


QA_WITH_COMMENT = """Why do my basil leaves turn black?
3 Answers

Noor Haddad, Kitchen gardener · Answered 1y
Cold nights. Basil hates anything under ten degrees.
Upvote · 14
Share

Eli Brandt · 11mo
Mine turned black in a cold draught by the window too.
Reply

Kai Ostrom, Grows herbs indoors · Answered 2y
Overwatering does the same. Let the pot dry between waterings.
Upvote · 3
Share
"""


def test_a_rarer_header_shape_is_a_comment_under_the_answer_above():
    article, comments = _read(QA_WITH_COMMENT)
    assert article.author is None
    assert [c.author for c in comments] == ["Noor Haddad", "Eli Brandt", "Kai Ostrom"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]


DIARY = """Three days on the coast path

By Mara Quinn · June 2, 2024

We walked west from the harbour with far too much in our packs.

Day One
June 3, 2024
Fog all morning, then the cliffs opened up and we could see the whole bay.

Day Two
June 4, 2024
A steep climb out of the cove, lunch on the headland, rain by four.
"""


def test_dated_sections_of_an_article_are_not_a_thread():
    article, comments = _read(DIARY)
    assert comments == []
    assert article.author == "Mara Quinn"


ARCHIVED_MESSAGE = """[Date Prev][Date Next][Thread Prev][Thread Next]

Bike shed keys

Kim Sato kim at example.org
Wed Jun 5 08:12:44 CEST 2024

Previous message: Parking on Saturday
Next message: Bike shed keys

Whoever borrowed the spare bike shed key, please drop it back in the office before Friday.

More information about the residents mailing list
"""


def test_a_lone_header_under_the_title_names_the_writer():
    article, comments = _read(ARCHIVED_MESSAGE)
    assert comments == []
    assert article.title == "Bike shed keys"
    assert article.author == "Kim Sato"
    assert _roles(article, "body") == [
        "Whoever borrowed the spare bike shed key, please drop it back in the office before Friday."]


def test_header_parts_when_who_and_post_furniture():
    from pipeline.readers.layout import Line, post_furniture_reason, site_furniture_reason, when_in, who_of

    for line, when in (("6h ago", "6h ago"), ("Posted April 3", "April 3"), ("Tue Mar 12, 2024 9:14 am", None),
                       ("Mon, 11 Mar 2024 21:03:17 +0100", None), ("Answered 2y", "2y"), ("35mm lens", ""),
                       ("It rained all day on May 4, 2024 and we stayed in.", "")):
        m = when_in(line)
        assert (m.group(0) if m else "") == (line if when is None else when), line
    assert [who_of(s) for s in ("brewsy_dee", "u/sawdust_sally", "Jonas Feld", "From: Ann Lee <ann@example.org>",
                                "cherry_and_chisel OP", "Share", "Reply", "Author", "Gareth Poole says:")] == [
        "brewsy_dee", "sawdust_sally", "Jonas Feld", "Ann Lee", "cherry_and_chisel", None, None, None, "Gareth Poole"]
    for control in ("Reply", "Like (4)", "2 Likes", "Upvote · 48", "Reply Share Report Save Follow",
                    "Like · Reply · 3 Reactions", "118 points", "level 2", "-1", "Add a comment", "Sort by: Best"):
        assert post_furniture_reason(control), control
    assert post_furniture_reason("Likes are not the point of a post.") is None

    def line(raw: str) -> Line:
        return Line(0, 0, len(raw), 0, raw)

    for menu in ("Quick links\tFAQ\tRegister\tLogin", "Board index ‹ Repair ‹ Drivetrain", "Sign in",
                 "[Thread Prev][Thread Next]", "← Older post", "Forum software © 2024 Example"):
        assert site_furniture_reason(line(menu)), menu
    assert site_furniture_reason(line("A short title about menus")) is None


def test_a_greeting_that_names_no_participant_addresses_nobody():
    page = ("Chain keeps slipping on the small cog\n3 Replies\n\n"
            "velo_vic · 2d\nIt slips under load on the two smallest cogs.\n\n"
            "spoke_sam · 2d\nYour chain is probably stretched. Measure it.\n\n"
            "velo_vic · 1d\nSolved, thanks all. New chain and it is silent.\n")
    article, comments = _read(page)
    assert [c.addressed_to for c in comments] == [None, None, None]
    assert [c.parent_key for c in comments] == ["", "", ""]


# --- Round two: layouts of social sites, chats, news comments and old aggregators (each mechanism on its own page) ---


NEWS_MENU_ONE_A_LINE = """The Harbour Gazette
News
Sport
Log in
Local News
Ferry timetable changes from June for the island crossing
Fewer winter sailings, but a later last boat on Fridays
By Nia Pryce
Transport correspondent
Monday 3 June 2024 8:00 am
The operator will run four crossings a day instead of six from October, and the last boat on Fridays moves to ten.
"""


def test_title_under_a_site_menu_printed_one_item_a_line():
    article, comments = _read(NEWS_MENU_ONE_A_LINE)
    assert comments == []
    assert article.title == "Ferry timetable changes from June for the island crossing"
    assert article.author == "Nia Pryce"  # not 'Monday': a weekday opens the date line
    furniture = _roles(article, "boilerplate")
    assert {"The Harbour Gazette", "News", "Sport", "Log in", "Local News", "By Nia Pryce"} <= set(furniture)


def test_a_short_title_right_over_a_byline_under_a_menu():
    page = ("Home\nBlog\nAbout\nContact\nWinter Pruning\nBy Ann Lee\n"
            "Cut apple trees back in January while they are dormant, and never take more than a quarter of the crown.\n")
    article, comments = _read(page)
    assert (article.title, article.author, comments) == ("Winter Pruning", "Ann Lee", [])
    assert {"Home", "Blog", "About", "Contact", "By Ann Lee"} <= set(_roles(article, "boilerplate"))


SOCIAL_POST = """Home
Explore
Notifications
Messages
Ann Lee
@annlee
The towpath between the two locks is closed until Friday; the detour over the hill adds twenty minutes.
9:14 AM · Jun 3, 2024
·
2.1K
Views
Post your reply
Bob Kerr
@bobk
·
2h
Replying to @annlee
Is the detour rideable on thin tyres, or is it gravel all the way?
3
cara on a bike
@carab
·
1h
Replying to @bobk
Tarmac apart from one short gravel stretch by the farm gate.
1
Terms of Service
Privacy Policy
"""


def test_a_social_post_has_no_title_and_its_header_spreads_over_short_lines():
    article, comments = _read(SOCIAL_POST)
    assert article.title is None  # a menu item is no title
    assert article.author == "Ann Lee"
    assert _roles(article, "body") == [
        "The towpath between the two locks is closed until Friday; the detour over the hill adds twenty minutes."]
    assert [c.author for c in comments] == ["Bob Kerr", "cara on a bike"]  # the display name over '@carab'
    assert [c.parent_key for c in comments] == ["", "c1"]  # 'Replying to @bobk'
    assert [c.addressed_to for c in comments] == [None, None]  # a reply cue is not a greeting
    furniture = _all_boilerplate([article, *comments])
    assert {"Home", "Messages", "@annlee", "9:14 AM · Jun 3, 2024", "Replying to @annlee", "Terms of Service",
            "Privacy Policy"} <= set(furniture)


CLOSING_DATES = """Home
Groups
Marketplace
Watch
Allotment Swap Shop
Dai Morgan
Admin
2d · Shared with the group
Spare rhubarb crowns free to a good home, collect from plot 14 this weekend.
14 comments
Like
Comment
Most relevant
Elin Hughes
Top fan
I'd love two if they are still going, I can come on Saturday morning.
Like · Reply · 2d
4
Dai Morgan
Author
Elin, two are yours, they are in a bucket by the gate.
Like · Reply · 1d
Gwen Price
Are the crowns old enough to crop next spring, or should they rest a year?
Like · Reply · 20h
View more comments
Write a comment…
"""


def test_comments_whose_date_closes_them_among_their_controls():
    article, comments = _read(CLOSING_DATES)
    assert (article.title, article.author, article.declared_comment_count) == (None, "Dai Morgan", 14)
    assert [c.author for c in comments] == ["Elin Hughes", "Dai Morgan", "Gwen Price"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert comments[1].addressed_to == "Elin Hughes"
    assert _bodies(comments) == ["I'd love two if they are still going, I can come on Saturday morning.",
                                 "Elin, two are yours, they are in a bucket by the gate.",
                                 "Are the crowns old enough to crop next spring, or should they rest a year?"]
    assert all(c.text.startswith(c.author) for c in comments)  # a comment starts at its writer's name
    furniture = _all_boilerplate([article, *comments])
    assert {"Allotment Swap Shop", "Top fan", "Author", "Like · Reply · 2d", "Like · Reply · 20h", "4",
            "View more comments", "Write a comment…"} <= set(furniture)


FEDIVERSE = """Home
Explore
Notifications
Preferences
Wren Talbot
@wren@plants.example
Repotted the fig into a terracotta pot and it has sulked for a week. Is that normal?
Jun 2, 2024, 10:05
·
Web
Oskar Lind
@oskar@garden.example
1d
@wren completely normal, figs hate having their roots disturbed. Give it a fortnight.
  Wren Talbot
  @wren@plants.example
  20h
  @oskar thanks, I will stop fussing over it then.
Pia Ruiz
@pia@garden.example
12h
@wren keep it out of strong sun until the new leaves come.
"""


def test_handles_under_display_names_are_mentions_and_two_space_nesting():
    article, comments = _read(FEDIVERSE)
    assert (article.title, article.author) == (None, "Wren Talbot")
    assert [c.author for c in comments] == ["Oskar Lind", "Wren Talbot", "Pia Ruiz"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert [c.addressed_to for c in comments] == ["Wren Talbot", "Oskar Lind", "Wren Talbot"]  # '@wren' is hers
    assert {"Jun 2, 2024, 10:05", "·", "Web"} <= set(_roles(article, "boilerplate"))


OLD_AGGREGATOR = """jump to content
my subreddits
login or register
Which knot for the bow line of a dinghy? (self.sailing)
submitted 3 hours ago by knot_ned
I keep tying bowlines that shake loose on the mooring. Which knot do you use for the bow line?
8 comments share save hide report
sorted by: best
[–] reef_ro 12 points 2 hours ago
A round turn and two half hitches never shakes loose and is easy to undo.
permalink embed save report reply
  [–] knot_ned[S] 3 points 1 hour ago
  Thanks, that looks easier to untie under load too.
  permalink embed save parent report reply
[–] cleat_cat 4 points 1 hour ago
A bowline with a stopper knot on the tail holds fine.
permalink embed save report reply
about this site
help
"""


def test_collapse_marker_and_score_around_the_writer_and_a_title_suffix():
    article, comments = _read(OLD_AGGREGATOR)
    assert article.title == "Which knot for the bow line of a dinghy?"
    assert (article.author, article.declared_comment_count) == ("knot_ned", 8)  # '8 comments share save …'
    assert [c.author for c in comments] == ["reef_ro", "knot_ned", "cleat_cat"]  # '[S]' is a badge
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert comments[0].text.startswith("[–] reef_ro 12 points")
    assert {"jump to content", "about this site", "help", "permalink embed save report reply"} <= set(
        _all_boilerplate([article, *comments]))


AGG_SCORED_COMMENT = """Why we moved our CI to one big machine
77 points by tarn_o 5 hours ago | hide | past | favorite | 21 comments

ilse_m 4 hours ago | next [–]
Caches stay warm, which was most of our speedup.

    4 points by tarn_o 3 hours ago | parent | next [–]
    Yes, and there are no network hops to the artifact store.
"""


def test_a_comment_header_that_opens_with_its_score():
    article, comments = _read(AGG_SCORED_COMMENT)
    assert (article.author, article.declared_comment_count) == ("tarn_o", 21)
    assert [c.author for c in comments] == ["ilse_m", "tarn_o"]
    assert [c.parent_key for c in comments] == ["", "c1"]


CHAT = """Pond Keepers
#help
Search
Is tap water safe for a wildlife pond in a heatwave?
pond-care
Ann Lee — 06/12/2024 9:14 PM
The level has dropped a hand's width and the rain butts are empty.
Should I top it up from the tap?
bob_k — 06/12/2024 9:20 PM
Small amounts are fine, the newts will cope.
Cara Nunn — 06/12/2024 9:31 PM
bob, small amounts every few days worked for me too.
Ann Lee — 06/12/2024 9:40 PM
thanks Cara, is rainwater from the shed roof any better?
Cara Nunn — 06/12/2024 9:44 PM
Much better, it has no chlorine in it.
Message #help
"""


def test_chat_headers_on_one_line_and_turns_of_a_conversation():
    article, comments = _read(CHAT)
    assert article.title == "Is tap water safe for a wildlife pond in a heatwave?"
    assert article.author == "Ann Lee"
    assert _roles(article, "body") == ["The level has dropped a hand's width and the rain butts are empty.",
                                       "Should I top it up from the tap?"]  # one writer's messages in a row
    assert [c.author for c in comments] == ["bob_k", "Cara Nunn", "Ann Lee", "Cara Nunn"]
    # 'bob,' speaks to bob_k; Cara answers whoever spoke to her last
    assert [c.addressed_to for c in comments] == [None, "bob_k", "Cara Nunn", None]
    assert [c.parent_key for c in comments] == ["", "c1", "c2", "c3"]
    assert {"#help", "pond-care", "Message #help"} <= set(_all_boilerplate([article, *comments]))


NEWS_COMMENTS = """Council agrees new opening hours for the town library
By Tom Idris
The library will open until eight on Thursdays from September, the council agreed on Tuesday.
Comments (3)
Sort by: Newest
Rhys Dunn (Penarth)
3 June 2024, 9:12am
About time, the old hours were useless for anyone at work.
Recommend (4)
Report
Ivy Shah (Barry)
3 June 2024, 10:02am
One late night a week is still not much for a town this size.
Recommend (1)
Report
Rhys Dunn (Penarth)
3 June 2024, 10:40am
In reply to Ivy Shah
It is a start, and the council said it would look again next year.
Recommend (2)
Report
"""


def test_name_and_place_over_a_date_and_in_reply_to_lines():
    article, comments = _read(NEWS_COMMENTS)
    assert (article.author, article.declared_comment_count) == ("Tom Idris", 3)
    assert [c.author for c in comments] == ["Rhys Dunn", "Ivy Shah", "Rhys Dunn"]  # the place is no name
    assert [c.parent_key for c in comments] == ["", "", "c2"]
    assert comments[2].addressed_to is None
    assert {"Rhys Dunn (Penarth)", "In reply to Ivy Shah", "Recommend (4)", "Report"} <= set(
        _all_boilerplate(comments))


REPLY_COUNTS = """Home
Jobs
Messaging
Notifications
Me
Nora Quist
• 2nd
Bridge engineer | Volunteer at the bike kitchen
3d •
We fixed 40 donated bikes for the refugee centre this month, every one checked by two volunteers.
#bikes #volunteering
61 reactions · 9 comments
Like
Comment
Most relevant
Ewan Price
• 3rd+
Teacher
2d
Could a few of my sixth formers help out on a Saturday?
Like | Reply · 2 Replies
Nora Quist
Author
Bridge engineer | Volunteer at the bike kitchen
2d
Yes please, we open at ten.
Like | Reply
Hana Beck
• 2nd
Retired mechanic
1d
I can show them how to true a wheel if they come.
Like | Reply
Load more comments
About
Accessibility
"""


def test_a_reply_count_under_a_post_puts_the_next_posts_under_it():
    article, comments = _read(REPLY_COUNTS)
    assert (article.title, article.author, article.declared_comment_count) == (None, "Nora Quist", 9)
    assert [c.author for c in comments] == ["Ewan Price", "Nora Quist", "Hana Beck"]
    assert [c.parent_key for c in comments] == ["", "c1", "c1"]  # '2 Replies': the next two answer it
    assert "#bikes #volunteering" in _roles(article, "body")  # the writer's hashtags are text
    assert {"Load more comments", "About", "Accessibility", "• 2nd", "Teacher"} <= set(_all_boilerplate(comments))


QA_SIGNED_BELOW = """Why does my sourdough spread flat in the oven?
Asked 3 days ago
4
My loaves rise well in the banneton but spread into a pancake on the stone. The dough is 75% hydration.
sourdough-bread shaping
asked Jun 1, 2024 at 8:00 by Ida Berg
Is the banneton floured with rice flour? Sticking can tear the skin. – Tom Wade Jun 1 at 9:00
@TomWade Yes, rice flour, and it releases cleanly. – Ida Berg Jun 1 at 9:30
2 Answers
9
At 75% the dough needs more strength. Add a set of folds in the first two hours and shape tighter.
answered Jun 1, 2024 at 11:00 by Lena Park
3
Try a lower hydration first, 68% is much easier to shape while you learn.
answered Jun 2, 2024 at 7:15 by Omar Said
"""


def test_answers_signed_under_their_text_and_a_display_name_as_a_handle():
    article, comments = _read(QA_SIGNED_BELOW)
    assert (article.author, article.declared_comment_count) == ("Ida Berg", 2)
    assert [c.author for c in comments] == ["Tom Wade", "Ida Berg", "Lena Park", "Omar Said"]
    assert [c.parent_key for c in comments] == ["", "c1", "", ""]
    assert comments[1].addressed_to == "Tom Wade"  # '@TomWade'
    assert comments[2].text.startswith("9\nAt 75% the dough")  # the answer starts at its score,
    assert "9" in _roles(comments[2], "boilerplate")  # which is no part of its text
    assert "sourdough-bread shaping" in _roles(article, "boilerplate")  # the question's tags


NEWSLETTER_REACTIONS = """Why I stopped trusting the frost forecast at 5 a.m.
A gardener's notes on cold hollows
Pia Lund · Follow
4 min read · Jun 3, 2024
The forecast said three degrees and my beans froze anyway, because my garden sits in a hollow.
Discussion about this post
Ann Lee Jun 4
Same here, the valley bottom is always two degrees colder.
Liked by Pia Lund
Reply
1 reply by Pia Lund
Pia Lund Jun 4
Author
Ann, a min-max thermometer at bean height settled it for me.
Reply
Owen Fry Jun 5
Fleece on the cold nights saved my courgettes.
Reply
"""


def test_reaction_notes_badges_and_a_byline_with_a_follow_button():
    article, comments = _read(NEWSLETTER_REACTIONS)
    assert article.title == "Why I stopped trusting the frost forecast at 5 a.m."  # an abbreviation ends it
    assert article.author == "Pia Lund"  # 'Pia Lund · Follow'
    assert [c.author for c in comments] == ["Ann Lee", "Pia Lund", "Owen Fry"]
    assert [c.addressed_to for c in comments] == [None, "Ann Lee", None]  # 'Liked by Pia Lund' names nobody
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert {"Discussion about this post", "Liked by Pia Lund", "1 reply by Pia Lund", "Author"} <= set(
        _all_boilerplate([article, *comments]))


ISSUE_THREAD = """Import fails on a CSV whose first row is blank #88
ann-lee opened this issue on Mar 3, 2024 · 2 comments
ann-lee commented on Mar 3, 2024
Importing a CSV whose first row is empty stops with a key error instead of a message.
bo-kerr commented on Mar 4, 2024
Confirmed on the latest release; the parser takes row one as the column names.
ann-lee commented on Mar 4, 2024
Thanks, a clear message would already help a lot.
"""


def test_a_header_right_over_another_heads_no_post():
    article, comments = _read(ISSUE_THREAD)
    assert article.author == "ann-lee"
    assert _roles(article, "body") == [
        "Importing a CSV whose first row is empty stops with a key error instead of a message."]
    assert [c.author for c in comments] == ["bo-kerr", "ann-lee"]
    assert "ann-lee opened this issue on Mar 3, 2024 · 2 comments" in _roles(article, "boilerplate")


def test_round_two_line_kinds():
    from pipeline.readers.layout import REPLY_CUE_RE, inline_who, post_furniture_reason, when_in

    assert when_in("2.1m members") is None  # no date inside a decimal number
    assert inline_who("[–] river_otter 21 points ", "") == ("river_otter", "")
    assert inline_who("Ann Lee — ", "")[0] == "Ann Lee"
    assert inline_who("benji on wheels @benjiwheels · ", "")[0] == "benji on wheels"
    assert inline_who("ann-lee opened this issue on ", "")[0] == "ann-lee"
    assert REPLY_CUE_RE.match("Replying to @a_b and @c_d").group("name") == "@a_b"
    assert REPLY_CUE_RE.match("In reply to Simon, I think the plan is wrong.") is None
    for furniture in ("Liked by Ann Lee", "Ann Lee and 12 others", "1 reply by Ann Lee", "Message #general",
                      "12 boosts", "Recommend (3)"):
        assert post_furniture_reason(furniture), furniture
    assert post_furniture_reason("We went there and 3 others came too") is None


def test_a_long_line_is_never_tried_as_a_name_and_badge_header():
    from pipeline.readers.layout import name_and_more

    assert name_and_more("Ann Lee (Harbourside)").group("name") == "Ann Lee"
    assert name_and_more("Jonas Feld • 1st").group("name") == "Jonas Feld"
    assert name_and_more("a" * 50_000 + " (Author)") is None  # the lazy name would backtrack over it all


FORUM_CARDS = """Garden Sheds Forum
Forums
New posts
Log in

Leaky felt roof on a twelve-year-old shed
Thread starter ivo_planks Start date Apr 2, 2024

I
ivo_planks
New member
Joined
Feb 1, 2024
Messages
4
Location
Ghent
Apr 2, 2024
#1
The felt on my shed roof has split along the ridge and water gets in every time it rains hard.
Is patching worth it or should I strip the whole roof and start again?
Like · Quote · Reply

hetty_m
Well-known member
Joined
Jun 9, 2016
Messages
2,311
Apr 2, 2024
#2
ivo_planks said:
Is patching worth it or should I strip the whole roof
Click to expand...
Strip it. A patch on old felt lasts one winter and then splits beside the patch.
Like · Quote · Reply
"""


def test_forum_writer_cards_are_furniture_and_a_join_date_heads_no_post():
    article, comments = _read(FORUM_CARDS)
    assert article.title == "Leaky felt roof on a twelve-year-old shed"
    assert article.author == "ivo_planks"
    assert [c.author for c in comments] == ["hetty_m"]  # 'Joined' / 'Feb 1, 2024' is no header
    assert _roles(comments[0], "body") == [
        "Is patching worth it or should I strip the whole roof",
        "Strip it. A patch on old felt lasts one winter and then splits beside the patch."]
    furniture = _all_boilerplate([article, *comments])
    assert {"Joined", "Feb 1, 2024", "Messages", "2,311", "#2", "ivo_planks said:", "Click to expand..."} <= set(
        furniture)


VBULLETIN = """Allotment Forums > Soil > Compost
Compost heap smells of ammonia
Register\tFAQ\tCalendar\tToday's Posts\tSearch
Results 1 to 3 of 3
Thread: Compost heap smells of ammonia

#1
Old 04-05-2024, 09:12 AM
pearl_spade
Junior Member

Join Date: Mar 2023
Posts: 12
Default Compost heap smells of ammonia
My heap has started to smell of ammonia since I added the lawn clippings.
Reply With Quote

#2
Old 04-05-2024, 10:40 AM
rootstock_ray
Senior Member

Join Date: Jan 2010
Location: Derby
Posts: 3,874
Default
Too much green. Mix in shredded cardboard and turn it.
__________________
Dig deep, sow thin.
Reply With Quote

#3
Old 04-05-2024, 11:02 AM
pearl_spade
Junior Member

Join Date: Mar 2023
Posts: 12
Default
Quote:
Originally Posted by rootstock_ray
Mix in shredded cardboard and turn it.
Thanks, I have a stack of boxes waiting for the recycling anyway.
Reply With Quote
"""


def test_a_classic_forum_thread_reads_writers_under_dates_and_its_results_count():
    article, comments = _read(VBULLETIN)
    assert article.title == "Compost heap smells of ammonia"  # a later 'Thread: …' line repeats it
    assert article.author == "pearl_spade"  # the first post opens the thread
    assert article.declared_comment_count == 2  # 'Results 1 to 3 of 3' counts the opening post; 'Posts: 12' is a card
    assert [c.author for c in comments] == ["rootstock_ray", "pearl_spade"]
    assert [c.parent_key for c in comments] == ["", "c1"]  # 'Originally Posted by rootstock_ray'
    furniture = _all_boilerplate([article, *comments])
    assert {"Old 04-05-2024, 10:40 AM", "Join Date: Jan 2010", "Posts: 3,874", "Reply With Quote", "#2",
            "Originally Posted by rootstock_ray"} <= set(furniture)


NUMBERED_COMMENTS = """Skip to content
The Windowsill Kitchen
Recipes from a small flat with a big oven
Menu
Home
Baking
About

Baking
Why my rye loaves stopped sinking in the middle
By Nell Arden
March 3, 2024
4 Comments

Rye dough behaves nothing like wheat dough, and the loaf that sinks is usually under-proofed rather than over-proofed.

4 thoughts on “Why my rye loaves stopped sinking in the middle”

1. Paul Greer says:
March 3, 2024 at 6:10 pm
Mine sank every time until I bought a thermometer for the proofing box.
Reply
1. Nell Arden says:
Post author
March 3, 2024 at 7:02 pm
Paul, the thermometer is the best few pounds anyone spends on rye.
Reply
2. Ines Vidal says:
March 4, 2024 at 8:15 am
I proof mine overnight in the fridge and it never sinks.
Reply
"""


def test_a_numbered_comment_list_and_a_title_under_a_whole_site_menu():
    article, comments = _read(NUMBERED_COMMENTS)
    assert article.title == "Why my rye loaves stopped sinking in the middle"  # '4 thoughts on “…”' repeats it
    assert article.author == "Nell Arden"
    assert [c.author for c in comments] == ["Paul Greer", "Nell Arden", "Ines Vidal"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert "Recipes from a small flat with a big oven" in _all_boilerplate([article])


SPACED_REPLIES = """Pedal Notes
Why I gave up on clipless pedals for commuting

Flat pedals and stiff shoes do everything I need on a ten-minute ride.

4 Comments
Sort by Best

Ruth Ames • 2 years ago
Same here. Walking into the office in cleats was the worst part.
Reply • Share ›

Tom Pell Mod  Ruth Ames • 2 years ago
Ruth, the office walk is exactly what tipped it for me too.
Reply • Share ›

Jo Kane • 2 years ago
Clipless on a long ride is still worth it, though.
Reply • Share ›

Sam Ode  Jo Kane • 2 years ago
Agreed, but the post is about commuting.
Reply • Share ›
"""


def test_a_reply_names_whom_it_answers_after_a_gap_of_spaces():
    article, comments = _read(SPACED_REPLIES)
    assert [c.author for c in comments] == ["Ruth Ames", "Tom Pell", "Jo Kane", "Sam Ode"]
    assert [c.parent_key for c in comments] == ["", "c1", "", "c3"]


BLOGGER = """Nettle Patch
Home
Friday, 3 May 2024
Nettle Patch
Frogs are back in the pond
The first frogspawn of the year appeared on Tuesday, a week later than last spring.
Posted by Mags at 9:02 AM
3 comments:

Anonymous said...
Lovely news. Ours have not turned up yet.
3 May 2024 at 10:15
Delete
Replies
Mags said...
Give them a week, ours were late too.
3 May 2024 at 11:40
Delete
Reply
Ewan Pryor said...
Do you net the pond against herons?
4 May 2024 at 08:05
Delete
Reply
Post a Comment
"""


def test_comments_closed_by_their_date_and_a_replies_group():
    article, comments = _read(BLOGGER)
    assert [c.author for c in comments] == ["Anonymous", "Mags", "Ewan Pryor"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]  # 'Replies' under the first, closed by 'Reply'
    assert _roles(comments[0], "body") == ["Lovely news. Ours have not turned up yet."]
    assert {"Delete", "3 May 2024 at 10:15", "Anonymous said..."} <= set(_all_boilerplate(comments))


NEWSGROUP = """Groups
rec.crafts.woodturning
Bowl blank cracked while drying
3 messages

From: Alma Reyes <alma...@example.org>
Newsgroups: rec.crafts.woodturning
Subject: Bowl blank cracked while drying
Date: Sat, 6 Apr 2024 10:02:11 +0100

My cherry bowl blank cracked from the rim to the base in a week.

From: Dov Hart <dov@example.net>
Newsgroups: rec.crafts.woodturning
Subject: Re: Bowl blank cracked while drying
Date: Sat, 6 Apr 2024 12:30:40 +0100

On Sat, 6 Apr 2024 10:02:11 +0100, Alma Reyes wrote:
> My cherry bowl blank cracked

Seal the end grain with wax the day you cut it.

From: Kit Moss <kit@example.com>
Newsgroups: rec.crafts.woodturning
Subject: Re: Bowl blank cracked while drying
Date: Sat, 6 Apr 2024 14:05:12 +0100

On Sat, 6 Apr 2024 12:30:40 +0100, Dov Hart wrote:
- show quoted text -

Wax helps, but a paper bag and patience help more.
"""


def test_a_newsgroup_archive_reads_long_mail_headers_and_collapsed_quotes():
    article, comments = _read(NEWSGROUP)
    assert article.author == "Alma Reyes"
    assert [c.author for c in comments] == ["Dov Hart", "Kit Moss"]
    assert [c.parent_key for c in comments] == ["", "c1"]  # 'Dov Hart wrote:' over a collapsed quote


ISSUE = """Sign in
pondkit / pumpcalc
Issues
3

Flow rate ignores the head height #58
Open
ravi-k opened this issue on Mar 2, 2024 · 2 comments
Comments
@ravi-k
ravi-k commented on Mar 2, 2024
The flow rate shown for a 2 m head is the same as for no head at all.
@ravi-k ravi-k added the bug label on Mar 2, 2024
@lena-w
lena-w commented on Mar 3, 2024
Member
Confirmed, the head is read but never used in the formula.
@ravi-k
ravi-k commented on Mar 4, 2024
Author
Thanks for looking so quickly.
Sign up for free to join this conversation on GitHub. Already have an account? Sign in to comment
"""


def test_an_issue_thread_opens_with_its_first_comment_and_keeps_its_timeline_as_furniture():
    article, comments = _read(ISSUE)
    assert article.title == "Flow rate ignores the head height"
    assert article.author == "ravi-k"
    assert _roles(article, "body") == ["The flow rate shown for a 2 m head is the same as for no head at all."]
    assert article.declared_comment_count == 2  # from the summary line over the first comment
    assert [c.author for c in comments] == ["lena-w", "ravi-k"]
    assert comments[0].source_text[comments[0].start:].startswith("@lena-w")  # the avatar line opens the post
    assert "@ravi-k ravi-k added the bug label on Mar 2, 2024" in _all_boilerplate([article, *comments])
    # the closing form is read sentence by sentence, as every line of several sentences is
    assert boilerplate_reason("Sign up for free to join this conversation on GitHub.") == "comment form"
    assert boilerplate_reason("Sign in to comment") == "comment form"


MASTHEAD = """View this email in your browser

THE FERRY LOG
Notes from the river crossings
Issue No. 31 · Tuesday 9 April 2024

Timetable changes for the summer crossings

From May the early boat leaves at 6:40 instead of 7:05, and the last boat runs until ten.
"""

SHARE_CARD = """The Cellar Notes
Subscribe
Share this post
The Cellar Notes
Why my cider went flat
Copy link

Why my cider went flat after bottling, and the sugar trick that fixed it
Priming sugar matters more than yeast.
Ada Rook
Apr 9, 2024

Three batches in a row came out flat, and each time the culprit was the same: no sugar left for the bottles.
"""


COVER_IMAGE = """Code Corner
Log in

Code Corner
Save
Share

Cover image for Logging a fridge's temperature with a £4 sensor
Oskar Lind
Posted on Apr 2

Logging a fridge's temperature with a £4 sensor
#sensors #python

The fridge in the garage kept freezing the milk, so I put a sensor in it for a week.
"""


@pytest.mark.parametrize("page, title", [
    (COVER_IMAGE, "Logging a fridge's temperature with a £4 sensor"),
    (MASTHEAD, "Timetable changes for the summer crossings"),
    (SHARE_CARD, "Why my cider went flat after bottling, and the sugar trick that fixed it"),
])
def test_the_title_under_a_masthead_a_share_card_or_a_cover_image(page, title):
    article, _ = _read(page)
    assert article.title == title


SCORED_HEADERS = """Linkpile
Patching a bike tube that keeps leaking at the valve
cycling repair
authored by gearhead_jo 3 hours ago | flag | hide | 2 comments

The valve base keeps tearing away from the tube, and a patch there never holds.

[-] ▲ 7 spoke_wren 2 hours ago | permalink | flag | reply
That tear means the tube was run at low pressure and the valve got dragged. Replace the tube.
    [-] ▲ 3 gearhead_jo (author) 1 hour ago | permalink | flag | reply
    @spoke_wren fair, I have been riding it soft on the towpath.
"""


def test_headers_with_vote_arrows_and_scores_and_a_submission_line_with_the_count():
    article, comments = _read(SCORED_HEADERS)
    assert article.author == "gearhead_jo"
    assert article.declared_comment_count == 2
    assert [c.author for c in comments] == ["spoke_wren", "gearhead_jo"]
    assert [c.parent_key for c in comments] == ["", "c1"]


DISCOURSE_SUMMARY = """Brewers Corner
Mash stuck at 60 degrees every time

B
brewbelle
Mar 4

My mash drops to 60 degrees within twenty minutes, whatever I do with the lid.

created
Mar 4
last reply
Mar 6
3
replies

T
tomasz_hops
Mar 4

Insulate the tun and preheat it with boiling water first.

D
dana_mash
Mar 5

Preheating alone fixed mine.

tomasz_hops
Mar 6

Fair enough, Dana, preheating first then.
"""


def test_a_thread_summary_block_gives_the_count_and_heads_no_post():
    article, comments = _read(DISCOURSE_SUMMARY)
    assert article.author == "brewbelle"
    assert article.declared_comment_count == 3  # '3' over 'replies'
    assert [c.author for c in comments] == ["tomasz_hops", "dana_mash", "tomasz_hops"]  # 'created' is no writer
    assert comments[2].parent_key == "c2"  # 'Dana, …' speaks to dana_mash


SUBJECT_CHAINS = """Newsbits
Town libraries start lending telescopes (skyweekly.example)
Posted by edna_k on Monday April 08, 2024 @09:10AM from the look-up dept.
Libraries in three towns now lend small telescopes on a two-week loan.
88 comments

Finally a use for the reference desk (Score:5, Funny)
by orion_b (11223) on Monday April 08, 2024 @09:30AM (#7001)
Ours lends a seed library and a sewing machine already.
Share

Bring back the star parties (Score:4, Insightful)
by vega_lyr (44556) <vega AT example DOT org> on Monday April 08, 2024 @09:41AM (#7002)
A telescope on loan is nice, but a club night teaches you to use it.
Share

Re:Finally a use for the reference desk (Score:2)
by Anonymous Coward on Monday April 08, 2024 @09:55AM (#7003)
The sewing machine queue is three months long at ours.
Parent
Share
"""


def test_scored_subject_lines_open_posts_and_re_subjects_answer_the_post_that_opened_them():
    article, comments = _read(SUBJECT_CHAINS)
    assert article.author == "edna_k"  # 'Posted by edna_k on …'
    assert [c.author for c in comments] == ["orion_b", "vega_lyr", "Anonymous Coward"]  # an address aside
    assert comments[0].source_text[comments[0].start:].startswith("Finally a use")  # the subject opens the post
    assert [c.parent_key for c in comments] == ["", "", "c1"]  # 'Re:Finally a use …' answers the first


MEMBER_LINES = """The Fix-It Shed
Why the kitchen tap drips after you close it

The washer was fine; the seat under it was pitted, and a seat key fixed it in five minutes.

Member discussion
3 comments

Rosa Lind
Member since 2022 • 2d ago
Same here, the seat cutter was the tool I did not know I needed.
Like 3
Reply

Abe Kerr
Member since 2020 • 1d ago
Rosa, did you need to drain the whole system first?
Like 1
Reply
"""


def test_a_member_line_before_the_date_belongs_to_the_header():
    _, comments = _read(MEMBER_LINES)
    assert [c.author for c in comments] == ["Rosa Lind", "Abe Kerr"]
    assert [c.parent_key for c in comments] == ["", "c1"]  # 'Rosa, …'


QA_CARDS = """Fix Answers
Can I paint over a damp patch once it has dried?
Asked 2y ago by Cora Bell
2 Answers

Ned Hollis
Painter and decorator, thirty years on old houses and new builds
Updated 1y
Only once you have found the leak; paint over a live damp patch and it blooms again within weeks.
▲ Upvote · 12

Mia Stroud · 1y
Agreed, ours came back twice before we found the gutter.
Reply · 2

Lena Marsh
Lives in Leeds · Painted our whole terrace in 2022
Answered 2y ago
Use a stain block first or the tide mark shows through two coats of emulsion.
▲ Upvote · 5
"""


def test_q_and_a_credentials_between_the_writer_and_the_date():
    _, comments = _read(QA_CARDS)
    assert [c.author for c in comments] == ["Ned Hollis", "Mia Stroud", "Lena Marsh"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]  # a comment's rarer header sits under the answer


SIGNED_UNDER_ANSWERS = """Garden Stack
Why do my cucumber leaves yellow from the bottom up?
Asked Jun 3 at 9:00
Modified Jun 4
The lowest leaves go yellow first and the plant still fruits.
asked Jun 3 at 9:00
Tove Rask
1011 bronze badge

2 Answers

Nitrogen. The plant moves it from old leaves to new growth when the soil runs short.
answered Jun 3 at 10:12
Cal Moyo
14.2k33 gold badges2727 silver badges6161 bronze badges
Would a liquid feed every week be enough? – Tove Rask Jun 3 at 11:00
Yes, a high-nitrogen one until it greens up. – Cal Moyo Jun 3 at 11:30

Overwatering does the same, so check the pot drains first.
answered Jun 4 at 8:02
Ada Pell
2,0511 silver badge
"""


def test_signed_comments_under_an_answer_whose_badges_run_together():
    article, comments = _read(SIGNED_UNDER_ANSWERS)
    assert article.author == "Tove Rask"
    assert [c.author for c in comments] == ["Cal Moyo", "Tove Rask", "Cal Moyo", "Ada Pell"]
    assert [c.parent_key for c in comments][:3] == ["", "c1", "c1"]


BREADCRUMB_TITLE = """Pond Keepers
Browse
Sign In

Home
Ponds
Water Quality
Green water three weeks after filling a new pond

Green water three weeks after filling a new pond
By lily_pad, May 2 in Water Quality
green water
Share
Reply to this topic

lily_pad
Posted May 2
#1
The water turned pea green within three weeks, though the filter runs all day.
Quote

reed_warbler
Posted May 2
#2
Give it six weeks; a new pond always blooms before the plants catch up.
Quote
"""


def _thread_read_as(page: str, title: str, author: str, body: list[str], commenters: list[str]) -> Doc:
    """Read `page` and check its title, opening post and commenters; return the article."""
    article, comments = _read(page)
    assert (article.title, article.author) == (title, author)
    assert _roles(article, "body") == body
    assert [c.author for c in comments] == commenters
    return article


def test_a_title_its_breadcrumb_repeats_and_a_byline_over_the_opening_post():
    _thread_read_as(BREADCRUMB_TITLE, "Green water three weeks after filling a new pond", "lily_pad",
                    ["The water turned pea green within three weeks, though the filter runs all day."], ["reed_warbler"])


COMMUNITY_OVER_TITLE = """Skip to main content
Log In

r/houseplants
r/houseplants
Join

Posted by u/fern_fan 5 hr. ago
Help
Why are the new leaves on my monstera coming out brown?

Every new leaf this spring has unfurled with brown edges, though the old ones look fine.

41
12 comments

leafy_lou
· 4 hr. ago
Low humidity while the leaf is unfurling does exactly that.
Reply

fern_fan
OP
· 3 hr. ago
The radiator is right under it, so that would fit.
Reply
"""


def test_a_community_name_over_the_byline_flair_and_title():
    article, comments = _read(COMMUNITY_OVER_TITLE)
    assert article.title == "Why are the new leaves on my monstera coming out brown?"
    assert article.author == "fern_fan"
    assert [c.author for c in comments] == ["leafy_lou", "fern_fan"]  # '· 4 hr. ago'


LABEL_OVER_HEADLINE = """Drip Tray
Home
Fixes
Sign in

Appliances
Our washing machine stopped spinning. It was the carbon brushes.
Two worn brushes, a £12 part and an hour on the kitchen floor
Jo Arden
Mar 4, 2024 • 6 min read

It started with a load that came out soaking wet, and the drum would turn but never spin up.
"""

def test_a_label_read_as_the_title_gives_way_to_the_headline_over_its_byline():
    article, _ = _read(LABEL_OVER_HEADLINE)
    assert article.title == "Our washing machine stopped spinning. It was the carbon brushes."


def test_a_short_title_over_an_articles_byline_under_a_site_menu():
    article, comments = _read("""Millbrook Bowls Club
Home
Fixtures
Results
Contact

Greens Open Saturday
Posted by Club Secretary on 4 April 2024

The greens open for the season on Saturday at ten, weather permitting.
""")
    assert article.title == "Greens Open Saturday"
    assert not comments


def test_a_cookie_banner_over_the_page_is_furniture():
    article, _ = _read("""We use cookies to make this site work and to see how it is used.
Accept all
Manage preferences
Riverside Rowing Club

Winter training starts in November

Sessions move indoors from the first week of November, on the machines in the boathouse.
""")
    furniture = _all_boilerplate([article])
    assert "We use cookies to make this site work and to see how it is used." in furniture
    assert {"Accept all", "Manage preferences"} <= set(furniture)


ONE_LINE_CARDS = """Strings Lounge
Home › Forums › Repairs

Buzz on the third fret after lighter strings
Thread starter finn_b · Start date Jan 20, 2024 · Tags setup strings

finn_b · Member · Joined Jun 2021 · Messages 212 · Location Derby
Jan 20, 2024 · #1
I switched to lighter strings last weekend and now the third fret buzzes on the low E.
Like Reply Report

nora_n · Well-known member · Joined Feb 2014 · Messages 6,480
Jan 20, 2024 · #2
Lighter strings pull less on the neck; loosen the truss rod a quarter turn and check again.
Like Reply Report
"""


def test_a_writers_card_on_one_line_over_the_date():
    article, comments = _read(ONE_LINE_CARDS)
    assert article.author == "finn_b"
    assert _roles(article, "body") == [
        "I switched to lighter strings last weekend and now the third fret buzzes on the low E."]
    assert [c.author for c in comments] == ["nora_n"]
    assert "Thread starter finn_b · Start date Jan 20, 2024 · Tags setup strings" in _all_boilerplate([article])


SUBSILVER = """Clock Menders
FAQ\tSearch\tMemberlist\tRegister

Pendulum clock stops after a day
Post new topic\tReply to topic\tClock Menders Forum Index -> Pendulum Clocks
Author\tMessage
tick_tom
Apprentice


Joined: 19 Oct 2023
Posts: 14
Posted: Sun Mar 10, 2024 7:42 pm    Post subject: Pendulum clock stops after a day
My wall clock runs for a day and then stops with the pendulum still.
Back to top

verge_vi
Site Admin


Joined: 02 Mar 2004
Posts: 3318
Posted: Sun Mar 10, 2024 8:15 pm    Post subject: Re: Pendulum clock stops after a day
Put it back in beat: listen for an even tick-tock and bend the crutch until it is.
Back to top
"""


def test_an_old_forum_theme_with_the_card_over_blank_lines_and_the_subject_after_the_date():
    article, comments = _read(SUBSILVER)
    assert article.title == "Pendulum clock stops after a day"
    assert article.author == "tick_tom"
    assert [c.author for c in comments] == ["verge_vi"]


SIGNED_UNDER = """Shed Notes
A blog about one garden shed

March 2, 2009

Fixing the shed door that would not shut

The door dropped an inch over the winter. I took it off, planed the bottom edge and moved the top hinge.

It shuts now, with a satisfying click.

Comments

Planing is fine but check the frame is still square before you take more wood off.

Posted by: Dot Whelan | March 3, 2009 at 07:15 AM

Dot, a builder's square said it was within a couple of millimetres, so I left it.

Posted by: Kev in Leeds | March 3, 2009 at 09:48 AM

Mine did the same and a longer screw in the top hinge was all it needed.

Posted by: Marguerite | March 4, 2009 at 06:02 PM

Post a comment
Name
Email Address
"""


def test_comments_signed_under_their_text_by_an_older_blog_engine():
    article, comments = _read(SIGNED_UNDER)
    assert [c.author for c in comments] == ["Dot Whelan", "Kev in Leeds", "Marguerite"]
    assert _roles(comments[0], "body") == [
        "Planing is fine but check the frame is still square before you take more wood off."]
    assert "Posted by: Kev in Leeds | March 3, 2009 at 09:48 AM" in _all_boilerplate(comments)
    assert "Post a comment" in _all_boilerplate(comments)


JOURNAL = """Knots and Notes
Recent Entries
Archive

Tying a bowline one-handed
Oct. 20th, 2024 at 9:14 PM
[personal profile] rope_ruth

I finally learned the one-handed bowline from the sailing club's old hands, and it took three evenings.

2 comments
Reply

[personal profile] kestrel_knots
2024-10-21 02:15 am (UTC)
Three evenings is fast. It took me a month of practice on the bus.
Link
Reply
Thread

(Anonymous)
2024-10-21 12:30 pm (UTC)
Is it really safer than a round turn and two half hitches? I am not convinced.
Link
Reply
Thread
"""


def test_a_journals_user_label_and_an_anonymous_writer_in_post_headers():
    article, comments = _read(JOURNAL)
    assert [c.author for c in comments] == ["kestrel_knots", "Anonymous"]
    assert _roles(comments[1], "body") == [
        "Is it really safer than a round turn and two half hitches? I am not convinced."]


LAUNCH = """Tool Hunt
Launches
Sign in

Kilnwatch
A pocket-sized logger for hobby kilns

Discussion (2)
Comment
Best
Newest

Odile Marchetti
Odile Marchetti
Hobby potter in a garage studio
Which thermocouple does it ship with, and how close to the elements does it sit?
Upvote (14)
Reply
Share
Report
1d ago

Sven Aaltonen
Sven Aaltonen
Retired teacher, wheel thrower
I have done this for years with a handheld pyrometer and a notebook, so this is very welcome.
Upvote (11)
Reply
Share
Report
23h ago
"""


def test_a_date_under_a_posts_controls_closes_the_post_its_writers_name_opens():
    article, comments = _read(LAUNCH)
    assert [c.author for c in comments] == ["Odile Marchetti", "Sven Aaltonen"]
    assert "Newest" in _all_boilerplate([article])


CARDS_AFTER = """Crumb and Circuit

Weighing flour with a load cell

Wren Okafor
Mar 8, 2024

A cheap load cell under a cutting board weighs flour to the gram, once it is calibrated with a bag of sugar.

Comments (2)

Dmitri Halvorsen
Mar 9, 2024

Did you need an amplifier board, or does the microcontroller read the cell directly?

Reply

Wren Okafor
Mar 9, 2024

An HX711 board sits between them; it costs less than the cell.

Reply

More articles

Wren Okafor
A proofing box made from a dead wine fridge
The compressor died, the thermostat did not.
Feb 18, 2024
5 min read

Wren Okafor
Rescuing a kitchen scale from the seventies
It weighed everything as 40 grams too heavy.
Jan 6, 2024
4 min read
"""


def test_cards_of_other_articles_after_the_comments_are_not_comments():
    article, comments = _read(CARDS_AFTER)
    assert [c.author for c in comments] == ["Dmitri Halvorsen", "Wren Okafor"]
    assert "A proofing box made from a dead wine fridge" in _all_boilerplate(comments)


QA_ANSWERS = """Skip to content
Asklane
Search for questions
Sign In

Home Brewing
Fermentation

Should a beginner ferment in a bucket or a glass carboy?

All related (12)
Sort
Recommended

Profile photo for Ottilie Marsh
Ottilie Marsh
Brewing kits for nine years
·
3y
A bucket, because you can reach inside it to clean it, and a scratch is easy to see.
Upvote ·
12
Share

Profile photo for Kasimir Dunn
Kasimir Dunn
·
2y
Agreed; I dropped a carboy once and that was the end of glass for me.
Upvote
2
Reply

Related questions
More answers below
How long should a first batch of ale ferment?
Is a blow-off tube worth it for a small batch?

Profile photo for Renata Szabo
Renata Szabo
Homebrew club treasurer
·
1y
Glass, if you want to watch the yeast work; nothing teaches timing faster than seeing it.
Upvote ·
4
Share
"""


def test_a_question_over_its_answers_and_a_list_of_questions_between_them():
    # The sort order over the first header says it heads an answer; 'More answers below' says the
    # answers go on after the list of other questions.
    article, comments = _read(QA_ANSWERS)
    assert article.title == "Should a beginner ferment in a bucket or a glass carboy?"
    assert _roles(article, "body") == []
    assert [c.author for c in comments] == ["Ottilie Marsh", "Kasimir Dunn", "Renata Szabo"]
    assert _roles(comments[2], "body") == [
        "Glass, if you want to watch the yeast work; nothing teaches timing faster than seeing it."]
    assert "How long should a first batch of ale ferment?" in _all_boilerplate(comments)


TRADE_COMMENTS = """Grocer Monthly
Subscribe
Sign in
News
Suppliers
We use cookies to run this site. By continuing you agree to our use of cookies.
Accept
Home / Suppliers
Why small grocers are dropping weekly standing orders
Flexible ordering cut waste for most of the shops we spoke to.
By Ines Calloway
4 June 2024
Standing orders suited shops whose trade barely changed from week to week. Few shops trade like that now, and the waste shows up in the bins every Monday.
Comments (2)
Rhodri Vane, greengrocer, Aberystwyth
5 June 2024
We moved to twice-weekly orders last year and our waste fell by a third. The delivery charge was worth paying.
Agnes Mwale, deli owner, Whitby
6 June 2024
Replying to Rhodri Vane: the delivery charge is the catch for us, because our supplier only waives it above a minimum order.
Most read
"""


def test_commenters_with_their_trade_and_town_and_no_blank_lines_between():
    # The cookie banner among the menu lines stays furniture above the title.
    article, comments = _read(TRADE_COMMENTS)
    assert article.title == "Why small grocers are dropping weekly standing orders"
    assert [c.author for c in comments] == ["Rhodri Vane", "Agnes Mwale"]
    assert comments[1].parent_key == comments[0].key


SITE_TAGLINE = """Kiln Diary
Notes from a two-person pottery
Home
About
Shop
Glaze tests that saved us a firing
Posted on 3 May 2023 by Wren Adeyemi
Test tiles on the top shelf of every firing tell you more than any glaze chart.
4 Comments
Theo Marsh • 1 year ago
Do you fire the test tiles in the same spot every time?
• Reply • Share ›
Wren Adeyemi Mod ↪ Theo Marsh • 1 year ago
Always the top shelf, front left, so the results compare.
• Reply • Share ›
Petra Lind Guest • 1 year ago
We keep a photo of every tile beside the recipe card.
• Reply • Share ›
"""


def test_a_sites_name_over_its_tagline_and_a_disqus_reply_arrow():
    article, comments = _read(SITE_TAGLINE)
    assert article.title == "Glaze tests that saved us a firing"
    assert [c.author for c in comments] == ["Theo Marsh", "Wren Adeyemi", "Petra Lind"]
    assert comments[1].parent_key == comments[0].key and comments[2].parent_key == article.key


QA_JOINED_CREDENTIALS = """Asklane
Home
Sign in
Beekeeping
Is a second hive worth it in the first year?
Answer
Follow · 12
Sort
Recommended
2 Answers
Profile photo for Maren Holt
Maren Holt
Keeps six hives on an allotment · 2y
Yes: a second colony lets you compare, and lend a frame of brood if one queen fails.
Upvote · 8
Share
Comments · 1
Jonas Webb · 2y
Lending a frame of brood saved my first colony.
Upvote · 1 · Reply
Related questions
How many frames should a new colony have?
More answers below
Profile photo for Ada Quist
Ada Quist
Hobby beekeeper since 2019 · 1y
Wait a year; one hive is plenty to learn on.
Upvote · 3
Share
"""


def test_a_credential_beside_the_date_and_a_related_list_under_a_posts_controls():
    article, comments = _read(QA_JOINED_CREDENTIALS)
    assert article.title == "Is a second hive worth it in the first year?"
    assert [c.author for c in comments] == ["Maren Holt", "Jonas Webb", "Ada Quist"]
    assert "How many frames should a new colony have?" in _all_boilerplate(comments)


GROUP_POST = """Workbook
Home
My Network
Jobs
Messaging
Clinic Managers Circle
Group · 2,104 members
View Ruth Obi’s profile
Ruth Obi
Practice Manager at Elm Street Clinic · 3d
We stopped double-booking the treatment room once the booking system showed each room as its own calendar.
42
5 comments
Like
Comment
Most relevant
View Sam Price’s profile
Sam Price
Office manager at Fernlea Physio · 2d
Room calendars helped us too; the hard part was getting everyone to book through them.
Like · Reply · 2d
Dana Kell
Admin
Community lead, Clinic Managers Circle · 1d
Thanks for sharing, Ruth; we will add this to the group's resources page.
Like · Reply · 1d
"""


def test_profile_links_and_a_badge_over_a_credential_beside_the_date():
    article, comments = _read(GROUP_POST)
    assert [c.author for c in comments] == ["Sam Price", "Dana Kell"]
    assert "View Sam Price’s profile" in _all_boilerplate([article, *comments])


TAB_TITLE_THREAD = """Quilting hoops or a frame for a queen-size quilt? : QuiltersCorner
Skip to main content
Threadly
Log In
c/QuiltersCorner
• 5 hr. ago
stitch_and_bind
Quilting hoops or a frame for a queen-size quilt?
Question
I have a queen-size top basted and ready, and only a small lap hoop. Is a floor frame worth it?
Upvote
12
Downvote
6 comments
Sort by:
Best
hoopla_harriet · 4h
A floor frame, if you have the room; a hoop this size will pull the layers out of true.
Reply
level 2
stitch_and_bind OP · 3h
The room is the problem: it would live in the hallway.
Reply
bias_tape_bo Longarmer · 2h
Send it out to a longarm quilter once and decide after.
Reply
In this Discussion
stitch_and_bind 3h
Harriet 4h
bias_tape_bo 2h
"""


def test_a_tab_title_a_handle_over_the_title_flair_and_a_list_of_writers():
    # Posts without a 'level' line among posts with one are at the top level; the writers listed
    # under 'In this Discussion' head no posts, whether or not a line of the list reads as a header.
    article, comments = _read(TAB_TITLE_THREAD)
    assert (article.title, article.author) == ("Quilting hoops or a frame for a queen-size quilt?", "stitch_and_bind")
    assert [c.author for c in comments] == ["hoopla_harriet", "stitch_and_bind", "bias_tape_bo"]
    assert [c.parent_key for c in comments] == [article.key, comments[0].key, article.key]


NEWSLETTER_SIGNUP_BOX = """Bench Notes
Subscribe
Sign in
Why we stopped selling gift cards
Three years of unredeemed balances taught us more than we wanted to know.
Ada Brennan
Apr 3, 2024
Gift cards looked like free money until we had to account for the ones nobody used.
Subscribe to Bench Notes
By Ada Brennan · Launched 3 years ago
Letters from a small joinery about the business side of the bench.
Type your email...
Subscribe
Discussion about this post
Comments
Pia Lund
Apr 3
We dropped them too; the accounting for expiry dates was the last straw.
Like (2)
Reply
Omar Reyes
Apr 4
@Pia Lund the expiry dates were what made ours worth keeping, though.
Like (1)
Reply
"""


def test_a_publications_age_heads_no_post_and_an_at_before_a_full_name_addresses():
    article, comments = _read(NEWSLETTER_SIGNUP_BOX)
    assert [c.author for c in comments] == ["Pia Lund", "Omar Reyes"]
    assert comments[1].addressed_to == "Pia Lund" and comments[1].parent_key == comments[0].key


LIST_THREAD = """Harbour Rowing Club
Mailing lists
rowers@lists.harbourrowing.example
Thread index
Date index
Author index
Search this list
[Rowers] Winter training: ergs or the river?
2 participants
2 messages
From: Ines Varga <ines@rowers.example>
Date: Mon, 4 Nov 2024 18:02:11 +0000
Subject: [Rowers] Winter training: ergs or the river?
Should we move the Tuesday session onto the ergs until March, or keep rowing while the light lasts?
Ines
Next message
From: Callum Reid <callum@post.example>
Date: Mon, 4 Nov 2024 19:40:02 +0000
Subject: Re: [Rowers] Winter training: ergs or the river?
On Mon, 4 Nov 2024, Ines Varga wrote:
> Should we move the Tuesday session onto the ergs until March?
Ergs, please; the river is too dark by six.
Callum
Previous message
"""


def test_a_mailing_lists_tagged_subject_is_the_title_and_its_first_message_the_article():
    article, comments = _read(LIST_THREAD)
    assert (article.title, article.author) == ("[Rowers] Winter training: ergs or the river?", "Ines Varga")
    assert [c.author for c in comments] == ["Callum Reid"]


DISCUSSION_STARTED = """Gitloft
Sign in
tallyworks / tillroll
Can the receipt printer skip the logo on refunds?
#88
Answered by dmitri-k
lenapress started this conversation in Q&A
lenapress
on Jun 2, 2024
Refund receipts waste a lot of paper on our logo; can it be left off for refunds only?
You must be logged in to vote
Replies: 1 comment
dmitri-k
on Jun 3, 2024
Maintainer
Yes: set print_logo_on_refund to false in the printer section of the config.
Marked as answer
"""


def test_the_starter_of_a_discussion_writes_its_opening_post_not_whoever_answered():
    article, comments = _read(DISCUSSION_STARTED)
    assert article.author == "lenapress"
    assert _roles(article, "body") == ["Refund receipts waste a lot of paper on our logo; can it be left off for "
                                       "refunds only?"]
    assert [c.author for c in comments] == ["dmitri-k"]


VIDEO_CARDS = """Sign in
Fixing a sticky drawer runner in ten minutes
Joinery Jo
12K subscribers
8K views  1 month ago
A drawer that sticks usually needs the runner packed out, not replaced.
...more
2 Comments
Sort by
@oakandash
3 weeks ago
Packing out the runner with a veneer offcut worked on our kitchen drawers.
4
Reply
@pinepete
2 weeks ago
Candle wax on the runner does the same job for a while.
1
Reply
Show more
Related
Hanging a door on your own
DIY Dan
45K views  2 months ago
"""


def test_video_cards_with_view_counts_head_no_comment():
    article, comments = _read(VIDEO_CARDS)
    assert [c.author for c in comments] == ["oakandash", "pinepete"]
    assert "Show more" in _all_boilerplate(comments)


CARD_OVER_SUBJECT = """The Turners' Bench
Board index ‹ Workshop ‹ Finishes
Oil or wax on a walnut bowl?
Post Reply
3 posts • Page 1 of 1
HollyTurner
Posts: 41
Joined: Tue Aug 17, 2021 6:02 pm
Oil or wax on a walnut bowl?
Quote
Post by HollyTurner » Mon Mar 4, 2024 9:12 am
Which finish holds up better on a fruit bowl that gets handled every day?
Top
BramLathe
Bench Regular
Posts: 1208
Joined: Wed Feb 03, 2016 8:47 pm
Re: Oil or wax on a walnut bowl?
Quote
Post by BramLathe » Mon Mar 4, 2024 10:03 am
Oil, and a fresh coat each spring; wax wears off where hands touch it.
Top
"""


def test_a_forum_card_over_the_subject_starts_the_post_and_joined_words_name_the_poster():
    article, comments = _read(CARD_OVER_SUBJECT)
    assert article.author == "HollyTurner"
    assert [c.author for c in comments] == ["BramLathe"]
    assert comments[0].source_text[comments[0].start:].startswith("BramLathe")


LONG_MENU_OVER_BREADCRUMB = """Skip to content
Rootstock
Features
Pricing
Nurseries
Stories
Careers
Log in
Start a trial
Stories › Field notes › Grafting
We lost half our apple grafts last spring. Here is what changed.
Ines Okafor
April 2, 2024
6 min read
Last March our nursery grafted four hundred apple rootstocks, and by June barely two hundred had taken. The cause was not the knife work but the storage of the scion wood.
"""


def test_a_title_under_a_long_site_menu_and_a_breadcrumb_is_found_over_its_byline():
    article, _ = _read(LONG_MENU_OVER_BREADCRUMB)
    assert article.title == "We lost half our apple grafts last spring. Here is what changed."
    assert article.author == "Ines Okafor"


TITLE_UNDER_SUBMISSION = """Skip to main content
r/Beekeeping
Search in r/Beekeeping
Log In
r/Beekeeping
Posted by u/hive_and_honey
5 hr. ago
Question
Queen stopped laying in August. Is it the heat? Should I requeen before winter?
Two hives in the same yard, and only one has stopped laying: no eggs or young larvae for twelve days now. The other hive is fine.
Share
"""


def test_a_title_under_an_aggregators_byline_and_flair_is_found_below_the_skip_link():
    article, _ = _read(TITLE_UNDER_SUBMISSION)
    assert article.title == "Queen stopped laying in August. Is it the heat? Should I requeen before winter?"
    assert article.author == "hive_and_honey"


ISSUE_LINE_OVER_SHARE_LINKS = """View this email in your browser
Field Kitchen
Weekly notes on cooking outdoors, from a former camp cook
Issue #12 · 3 June 2024 · 4 min read
Share
Forward to a friend
Archive
Issue #12: Why cast iron beats steel over a wood fire
Hello again,
Cast iron holds heat through the gusts that a thin steel pan cannot ride out, and it forgives an uneven bed of coals.
"""


def test_a_newsletters_title_under_its_issue_line_passes_over_the_share_links():
    article, _ = _read(ISSUE_LINE_OVER_SHARE_LINKS)
    assert article.title == "Issue #12: Why cast iron beats steel over a wood fire"


BOARD_HANDLES = """Glaze & Kiln Forum
Board index ‹ Studio ‹ Firing
Cone 6 or cone 10 for a first kiln?
4 posts • Page 1 of 1
potter_rue
Posts: 12
Joined: Sun Feb 04, 2024 5:10 pm
Cone 6 or cone 10 for a first kiln?
Post by potter_rue » Mon Mar 4, 2024 9:12 am
Which range should a first electric kiln cover?
Top
KILNtech
Posts: 870
Joined: Wed Feb 03, 2016 8:47 pm
Re: Cone 6 or cone 10 for a first kiln?
Post by KILNtech » Mon Mar 4, 2024 10:03 am
Cone 6 is plenty for stoneware, and the elements last twice as long.
Top
glaze-nerd
Posts: 55
Joined: Fri Jan 12, 2018 7:00 am
Re: Cone 6 or cone 10 for a first kiln?
Post by glaze-nerd » Mon Mar 4, 2024 11:40 am
Agreed, and the glazes are easier to find.
Top
"""


def test_a_boards_post_line_names_any_one_word_handle_and_each_post_stands_alone():
    article, comments = _read(BOARD_HANDLES)
    assert article.author == "potter_rue"
    assert [c.author for c in comments] == ["KILNtech", "glaze-nerd"]
    assert comments[0].source_text[comments[0].start:comments[0].end].rstrip().endswith("twice as long.\nTop")


THREAD_STARTER = """Spoke Talk
Forums
What's new
Forums
Shop Business
Staff, Pay & Rotas
Do you pay mechanics by the hour or by the job?
Thread starter Nina Holm Start date Mar 4, 2024
Tags
pay mechanics
Nina Holm
Active member
Joined
Jun 2, 2021
Messages
412
Mar 4, 2024 #1
We pay by the hour now and the fast mechanics feel short-changed.
Like · Reply · Report
Carl Dunne
Member
Joined
Mar 14, 2019
Messages
90
Mar 4, 2024 #2
By the job, with a floor for slow days; it kept our best mechanic.
Like · Reply · Report
"""


def test_the_thread_starter_notice_names_the_opening_post_and_marks_the_title():
    article, comments = _read(THREAD_STARTER)
    assert (article.title, article.author) == ("Do you pay mechanics by the hour or by the job?", "Nina Holm")
    assert [c.author for c in comments] == ["Carl Dunne"]


DISCOURSE_CUES = """Yard Forum
Log In
Which label printer survives a busy dispatch desk?
Shop Floor
labels
A
ada_moss
Ada Moss
Mar 4
Our label printer jams twice a day once the Christmas rush starts. What do you use?
Reply
B
ben.k
Ben Keller
Mar 4
A thermal printer with a roll holder behind it; fan-fold labels jam far less.
2 Replies
Reply
C
cora_l
Cora Lund
Mar 5
We went the same way and never looked back.
Reply
A
ada_moss
Ada Moss
↩ reply to ben.k
Mar 5
Ben, which holder do you use?
Reply
"""


def test_avatar_letters_top_headers_and_reply_arrows_name_handles():
    # Ben's two replies: Ada's, which names him, and the post right under his.
    article, comments = _read(DISCOURSE_CUES)
    assert article.author == "Ada Moss"
    assert [c.author for c in comments] == ["Ben Keller", "Cora Lund", "Ada Moss"]
    assert [c.parent_key for c in comments] == [article.key, comments[0].key, comments[0].key]


POSTBIT = """The Bench
Portal
Search
Welcome back, ladderlass. You last visited: Today, 06:02 PM Log Out
The Bench  Plumbing  Taps and Valves
Outside tap still drips after a new washer - what am I missing?
New Reply
Thread Modes
Outside tap still drips after a new washer - what am I missing?
kettle_and_spanner
Junior Member

Posts: 14
Threads: 3
Joined: Nov 2023
Reputation: 1
#1
03-09-2024, 04:38 PM
I changed the washer on the outside tap and it still drips every ten seconds.

Find
Reply
Quote
Bodger_Bill
Senior Member

Posts: 412
Threads: 19
Joined: Aug 2017
Reputation: 27
#2
03-09-2024, 05:21 PM
When a new washer does not cure it, the seat is usually pitted: feel it with a fingertip.

Find
Reply
Quote
"""


def test_a_forum_postbit_with_the_card_over_the_post_number_and_the_title_again_over_the_first_post():
    article = _thread_read_as(POSTBIT, "Outside tap still drips after a new washer - what am I missing?",
                              "kettle_and_spanner",
                              ["I changed the washer on the outside tap and it still drips every ten seconds."],
                              ["Bodger_Bill"])
    assert "Welcome back, ladderlass. You last visited: Today, 06:02 PM Log Out" in _all_boilerplate([article])


SIDEBAR_FIRST = """Whisker Lounge
Discussions
Categories
In this Discussion
MarlowesMum
March 9
TabbyTed
March 3
Dr_Saffron
March 5
Home › Cat Behaviour
Old cat has given up on her scratching post
MarlowesMum
Regular
March 3

My tabby has used the same sisal post for years, and now she scratches the doormat instead.

Quote
Flag
TabbyTed
Purr-fessional
March 3

Scratching flat instead of stretching up is a classic sign of stiff joints in an old cat.

Quote
Flag
Dr_Saffron
Moderator
March 5

Agreed, and check her claws too: old cats often cannot retract overgrown ones.

Quote
Flag
"""


def test_a_list_of_writers_beside_the_thread_heads_no_posts_and_a_rank_under_a_name_is_no_writer():
    article, comments = _read(SIDEBAR_FIRST)
    assert article.author == "MarlowesMum"
    assert [c.author for c in comments] == ["TabbyTed", "Dr_Saffron"]


NODE_STYLE = """Spoke Commons
Creak from the bottom bracket when I stand on climbs
9 Posts 5 Posters 1.2k Views
R
rhea_rolls
wrote on Mar 11, 2024, 8:47 PM
#1
The creak only comes when I stand up on a climb, never seated, and I have greased the pedal threads.

4
G
gearjammer
wrote on Mar 11, 2024, 9:15 PM
#2
Check the cleats and the stem faceplate before the bottom bracket: both load up when you stand.

1
R
rhea_rolls
replied to gearjammer on Mar 13, 2024, 8:16 PM
last edited by rhea_rolls Mar 13, 2024, 8:24 PM
#3
It was the right cleat, worn almost flat at the front. Thank you, and sorry to the bottom bracket.

2
Suggested Topics
Rear mech keeps dropping into the spokes
6 Posts 912 Views
Topic info
Last comment posted
March 4, 2024
"""


def test_an_edit_note_naming_its_editor_and_a_last_comment_date_head_no_posts_and_suggested_topics_end_the_thread():
    article, comments = _read(NODE_STYLE)
    assert article.author == "rhea_rolls"
    assert [c.author for c in comments] == ["gearjammer", "rhea_rolls"]
    assert "Rear mech keeps dropping into the spokes" in _all_boilerplate(comments)


PARENT_LINES = """Crumbtrail
Why does my starter smell of acetone after a week in the fridge?
Posted March 2, 2024 by levain_larry

It smells like nail polish remover now. Is it ruined, or just hungry?

3 comments
yeastie_boyz
March 2, 2024
Link
It is hungry, not ruined: give it two feeds at room temperature and the smell goes.
Reply
levain_larry
March 2, 2024
Link
Parent
Thanks. Should I feed it more often while it sits in the fridge, then?
Reply
flourchild
March 3, 2024
Link
Mine does the same after ten days, and one warm feed always brings it back.
Reply
"""


def test_a_parent_link_among_a_posts_controls_answers_the_comment_above():
    article, comments = _read(PARENT_LINES)
    assert [c.author for c in comments] == ["yeastie_boyz", "levain_larry", "flourchild"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]


def test_a_comment_answers_the_comment_above_that_named_its_writer_by_handle_or_opened_on_its_name():
    article, comments = _read(SIDEBAR_FIRST.replace(
        "Agreed, and check her claws too", "@TabbyTed agreed, and @MarlowesMum check her claws too"
    ) + """PepperAndPip
March 9

Good point on the claws, I had not thought of them.

Quote
""")
    assert comments[-1].author == "PepperAndPip"
    assert comments[-1].parent_key == ""  # the comment above named no PepperAndPip
    article, comments = _read(SIGNED_UNDER)
    assert comments[1].author == "Kev in Leeds" and comments[1].addressed_to == "Dot Whelan"
    assert comments[1].parent_key == "c1"  # 'Dot, a builder's square said …'


TWO_MENTIONS = """Whisker Lounge
Old cat has given up on her scratching post
MarlowesMum
March 3

My tabby has used the same sisal post for years, and now she scratches the doormat instead.

TabbyTed
March 3

Scratching flat instead of stretching up is a sign of stiff joints in an old cat.

Dr_Saffron
March 4

Check her claws as well: old cats often cannot retract overgrown ones.

MarlowesMum
March 4

@TabbyTed the vet agreed about the joints. And @Dr_Saffron you were right, two claws were curled right over.

Dr_Saffron
March 5

Very sensible to have the vet trim curled ones rather than doing it at home.
"""


def test_a_writer_named_by_handle_in_the_comment_above_answers_it_even_when_named_second():
    article, comments = _read(TWO_MENTIONS)
    assert [c.author for c in comments] == ["TabbyTed", "Dr_Saffron", "MarlowesMum", "Dr_Saffron"]
    assert comments[3].parent_key == "c3"


def test_a_comment_opening_on_a_name_and_a_dash_speaks_to_that_writer():
    article, comments = _read(SIGNED_UNDER.replace("Dot, a builder's square", "Dot - a builder's square"))
    assert comments[1].addressed_to == "Dot Whelan" and comments[1].parent_key == "c1"


def test_a_forum_openers_later_post_with_no_cue_speaks_to_the_thread():
    article, comments = _read(POSTBIT + """kettle_and_spanner
Junior Member

Posts: 15
Threads: 3
Joined: Nov 2023
Reputation: 1
#3
03-12-2024, 07:29 PM
Update for the record: a new tap went on at the weekend and the drip has stopped.

Find
Reply
""")
    assert comments[-1].author == "kettle_and_spanner"
    assert comments[-1].parent_key == ""  # a forum opener's update speaks to the thread


BLOG_OWNER_ANSWERS = """Rushwork
Home
Our Work

Re-caning a bentwood seat, start to finish

Written By Elspeth Marr

Soak the cane for twenty minutes, no longer, or it goes limp and will not hold its tension.

Comments (3)

Gwen Tulloch
March 3, 2024

I tried this on a footstool and my cane kept splitting at the holes.

Elspeth Marr
March 3, 2024

Splitting at the holes usually means it dried out: keep a damp towel over the coil as you work.

Farid Haddad
March 4, 2024

My grandfather caned chairs for the whole village and never soaked his at all.
"""


def test_under_an_article_its_writers_comment_with_no_other_cue_answers_the_comment_above():
    article, comments = _read(BLOG_OWNER_ANSWERS)
    assert article.author == "Elspeth Marr"
    assert [c.author for c in comments] == ["Gwen Tulloch", "Elspeth Marr", "Farid Haddad"]
    assert [c.parent_key for c in comments] == ["", "c1", ""]


DATE_OVER_TITLE = """Under the Sink
Notes from a draughty terrace and the person keeping it standing

« The gutter saga | Main | Finding the stopcock »

February 11, 2009

The dripping kitchen tap, or how I came to own four hundred washers

It started, as these things do, with a drip you only notice at two in the morning.
"""


def test_a_blogs_name_over_the_posts_date_and_its_title():
    article, _ = _read(DATE_OVER_TITLE)
    assert article.title == "The dripping kitchen tap, or how I came to own four hundred washers"
    assert "Under the Sink" in _all_boilerplate([article])


TOWN_AND_INITIAL = """The Owner-Operator
Small firms trade long leases for shorter deals

By Harriet Quayle
11 June 2024

More small firms are leaving ten-year leases for serviced floors on short licences, agents say.

Reader comments (3)

Gordon Tierney, Leeds
11 June 2024, 8:12am
We did exactly this last year and the flexibility has been worth the higher rent per desk.

Report
Reply
K. Osei
11 June 2024, 4:51pm
What nobody mentions is how much of the cost moves to staff heating their homes all day.

Report
Reply
Petra Vance, Glasgow
In reply to K. Osei
12 June 2024, 7:20am
Agreed, and we ended up buying everyone a proper chair and a second monitor.

Report
Reply
"""


def test_a_commenter_named_with_a_town_or_by_an_initial_heads_a_post():
    article, comments = _read(TOWN_AND_INITIAL)
    assert [c.author for c in comments] == ["Gordon Tierney", "K. Osei", "Petra Vance"]
    assert comments[2].parent_key == "c2"


# --- A blind round of blog, newsletter, forum and aggregator pages (the j* structure pages) ---

BLOG_WITH_RELATED = """Skip to content
Potting Shed Notes
Menu
Home
Shop
Search for:
This site uses cookies to remember your basket. By browsing on you agree to this.
OK, got it
Privacy & cookie details

Shop news
Why the nursery now shuts at four on Sundays
Posted on April 2, 2025 by Ines Calder
4 Comments

From next month the nursery gates close at four on Sundays instead of five.
The last hour brought in fewer than ten customers a week, and the watering still has to be done.

Related
Our spring bulb order is in
March 20, 2025
In "Shop news"

2 thoughts on “Why the nursery now shuts at four on Sundays”
Tomas Reyes says:
April 2, 2025 at 6:10 pm
Fair enough, four is still plenty for a Sunday visit.
Reply
Anonymous says:
April 3, 2025 at 8:02 am
Agree with Tomas, and put the new time on the gate sign.
Reply
"""


def test_a_cookie_banners_buttons_are_no_title_and_a_related_list_over_the_comment_heading_heads_no_comment():
    article, comments = _read(BLOG_WITH_RELATED)
    assert article.title == "Why the nursery now shuts at four on Sundays"
    assert [c.author for c in comments] == ["Tomas Reyes", "Anonymous"]
    assert comments[1].addressed_to == "Tomas Reyes" and comments[1].parent_key == "c1"  # 'Agree with Tomas, …'


DISQUS_REPLY_LINES = """Fixing a sticky sash window
By Ann Lee | 5 min read

Wax the runners and ease the beading before you reach for a plane.

3 Comments
Sort by Best
−
Rufus Hale
• 2 years ago
Candle wax worked on ours in ten minutes.
Reply
Share ›
−
Ann Lee Mod  Rufus Hale
• 2 years ago
Candle wax is what I use too, it lasts a season.
Reply
Share ›
−
Dee K  Ann Lee
• 2 years ago
Does it stain the paint on the runners at all?
Reply
Share ›
"""


def test_a_reply_header_naming_whom_it_answers_over_its_own_date_line_starts_a_comment():
    article, comments = _read(DISQUS_REPLY_LINES)
    assert [c.author for c in comments] == ["Rufus Hale", "Ann Lee", "Dee K"]
    assert [c.parent_key for c in comments] == ["", "c1", "c2"]


NEWSLETTER_AVATARS = """The Tidy Shelf
Subscribe
Sign in

Labelling the stockroom in one afternoon
What to label first, and what never to bother with
Rosa Lind
Mar 04, 2025
21
3
Share

Start with the shelves people reach for without looking.
Bins at knee height can wait for a quiet week.

Discussion about this post
Comments
Write a comment...

Ola Berg's avatar
Ola Berg
Mar 4
Knee-height bins were exactly our problem, thanks.
Like (2)
Reply
Share
2 replies
Rosa Lind's avatar
Rosa Lind
Author
Mar 4
Glad it helped, Ola. Colour the labels by supplier if you can.
Like (1)
Reply
Share
Kit Moor's avatar
Kit Moor
Mar 5
We colour by week delivered instead, it works just as well.
Like
Reply
Share
"""


def test_a_newsletters_avatar_lines_open_comments_and_its_bare_counts_give_the_comment_count():
    article, comments = _read(NEWSLETTER_AVATARS)
    assert [c.author for c in comments] == ["Ola Berg", "Rosa Lind", "Kit Moor"]
    assert [c.source_text[c.start:].split("\n", 1)[0] for c in comments] == [
        "Ola Berg's avatar", "Rosa Lind's avatar", "Kit Moor's avatar"]
    assert article.declared_comment_count == 3  # '21' / '3' / 'Share', not the '2 replies' under a comment


FORUM_TAGS_AND_TEAM = """Kilnside Community
Log In
Sign Up
All Discussions
Glazes
Firing Schedules

Glazes
Firing Schedules
Pinholes after a slow cool, what changed?

Hal Brook
Mar 3
Since the new controller every bowl comes out with pinholes on the inside.
Like
Reply
Nell Ayres and 2 others liked this.

Nell Ayres
Kilnside Team
Mar 3
Could you post the schedule you ran, segment by segment?
Like
Reply

2 days later

Hal Brook
Mar 5
Quote from Nell Ayres on March 3, 2025, 10:02 am
Could you post the schedule you ran, segment by segment?
Ramp 100 an hour to 600, then full to cone 6, no hold.
Like
Reply

Original Post
Mar 3
1 of 3 posts
Now
"""


def test_tags_that_repeat_the_menu_a_team_badge_a_quote_without_a_blank_after_it_and_a_scrubber():
    article, comments = _read(FORUM_TAGS_AND_TEAM)
    assert article.title == "Pinholes after a slow cool, what changed?" and article.author == "Hal Brook"
    assert [c.author for c in comments] == ["Nell Ayres", "Hal Brook"]
    assert comments[1].parent_key == "c1"
    assert article.declared_comment_count == 2  # '1 of 3 posts' counts the opening post
    assert "Ramp 100 an hour to 600, then full to cone 6, no hold." in _bodies([comments[1]])
    assert not any("liked this" in t or "later" in t for t in _bodies([article, *comments]))


SIDEBAR_FIRST_AGGREGATOR = """jump to content
my subreddits
POPULAR - ALL | Potters - Makers
Potters comments
want to join? Log in or sign up in seconds.
search
this post was submitted on 14 Mar 2025
12 points (90% upvoted)
Potters
join
812 readers
A place for people who throw, glaze and fire.
created by clay_mod a community for 4 years

12
Renting kiln time by the shelf or by the firing?
Question
submitted 3 days ago by wheel_and_wedge
I rent out space in my kiln and cannot decide how to charge for it.
3 comments
share
save
sorted by: best

[–]glaze_goblin 8 points 3 days ago
By the shelf. A full firing costs you the same power whoever fills it.
permalinkembedsavereportreply
[–][deleted] 3 points 2 days ago
By the firing, shelves get argued over.
permalinkembedsavereportreply
[–]wheel_and_wedge[S] 2 points 2 days ago
Shelves it is, u/glaze_goblin thanks.
permalinkembedsaveparentreportreply
"""


def test_an_old_aggregators_title_over_its_submission_line_a_deleted_writer_and_a_parent_link_in_run_controls():
    article, comments = _read(SIDEBAR_FIRST_AGGREGATOR)
    assert article.title == "Renting kiln time by the shelf or by the firing?"
    assert article.author == "wheel_and_wedge"
    assert [c.author for c in comments] == ["glaze_goblin", None, "wheel_and_wedge"]
    assert comments[2].parent_key == "c2"  # 'parent' among its run-together controls
    assert comments[2].addressed_to == "glaze_goblin"  # 'u/glaze_goblin'


BLOGGER_FOOTER = """Ink & Press
Home
Price list

Tuesday, 11 June 2024
Why setup is charged once per design
Most of a small print job is setup: checking the file, the proof, the first sheets.
So the setup charge now comes once per design, and reprints skip it.
Posted by Declan Moss at 10:12
Labels: pricing

2 comments:

Helen Baird
11 June 2024 at 13:40
Clear, thank you.
Reply
Guest
Guests
Posted 12 June 2024 at 09:00
Does a colour change count as a new design?
Reply
"""


def test_a_blog_engines_byline_under_the_text_names_the_writer_and_a_guests_group_is_no_name():
    article, comments = _read(BLOGGER_FOOTER)
    assert article.author == "Declan Moss"
    assert [c.author for c in comments] == ["Helen Baird", "Guest"]


# --- A second blind round: news, Ghost, LinkedIn, a social group, bbPress, Vanilla, Q&A (the l* structure pages) ---

BBPRESS_TOPIC = """Skip to content
Bench Network
Home
Forums
Log In
Home › Forums › Workshop › Choosing a tyre supplier
Choosing a tyre supplier
Subscribe
This topic has 2 replies, 3 voices, and was last updated 2 days ago by Pat Quinn.
Viewing 3 posts - 1 through 3 (of 3 total)
Author
Posts
4 March 2024 at 7:41 pm #2210
Pat Quinn
Participant
Joined: May 2017
Posts: 21
Our tyre supplier has started missing the afternoon drop and I am weighing up a change.
Reply
4 March 2024 at 8:26 pm #2214
Anonymous
Guest
Ask the new one for their returns terms in writing before you move anything.
Reply
5 March 2024 at 9:03 am #2230
Dee Marsh
Keymaster
Joined: March 2012
Posts: 3,418
+1 to what the guest said, returns are where suppliers differ most.
Reply
Log In
Username:
Password:
Keep me signed in
"""


def test_a_bbpress_topic_dates_over_names_a_summary_count_a_guest_card_and_a_login_form():
    article, comments = _read(BBPRESS_TOPIC)
    assert article.title == "Choosing a tyre supplier" and article.author == "Pat Quinn"
    assert [c.author for c in comments] == ["Anonymous", "Dee Marsh"]
    assert article.declared_comment_count == 2  # 'This topic has 2 replies'
    assert not any(t.startswith(("Password", "Keep me")) for t in _bodies([article, *comments]))


MONTH_DATED_FORUM = """Tradepost Community
Sign In
Home
›
Categories
›
Invoicing
Splitting a deposit across two invoices?
Kev_Fixes
Member
Posts: 27
Joined: Sep 2022
March 2024
Customers pay a deposit up front and I cannot work out how to take it off the final invoice.
Quote
Like 2
Gareth_G
Member
Posts: 112
Joined: Feb 2021
March 2024
Raise the deposit as its own invoice and credit it against the final one.
Quote
Like 4
"""


def test_a_forum_that_dates_posts_by_the_month_under_the_writers_card():
    article, comments = _read(MONTH_DATED_FORUM)
    assert article.title == "Splitting a deposit across two invoices?" and article.author == "Kev_Fixes"
    assert [c.author for c in comments] == ["Gareth_G"]


NEWS_WITH_READERS = """Skip to main content
The Valley Courier
Serving Ashby and the Dale since 1901
Sign in
News
Business
Home
›
Business
›
Local Business
Bakery moves its ovens to save on the night tariff
The bakery will bake from two in the morning from June
By Ann Lee
Business Reporter
14:32, Tue 9 Apr 2024
The Corner Bakery is moving its bake to the cheap night tariff.
Comments
Sort by
Most liked
TomAtAshby
Ashby
10 April 2024 8:14am
Good for them, the bread will be fresher too.
Reply
SH
Sara Holt
Operations Manager, Corner Bakery
10 April 2024 9:02am
Thanks Tom, it should be out of the oven by six.
Reply
A reader
11 April 2024 7:50pm
Will the shop still open at eight?
Reply
Jess W.
11 April 2024 8:10pm
Great news.
Reply
Valley Courier Notes
Why the market hall is closing early
Feb 6, 2024
3 min read
"""


def test_a_vertical_breadcrumb_over_the_title_a_job_title_a_reader_with_no_name_and_cards_after_the_comments():
    article, comments = _read(NEWS_WITH_READERS)
    assert article.title == "Bakery moves its ovens to save on the night tariff"
    assert [c.author for c in comments] == ["TomAtAshby", "Sara Holt", "A reader", "Jess W."]
    assert comments[1].source_text[comments[1].start:].startswith("SH\nSara Holt")  # initials open it


QA_WITH_SCORES = """Shopkeepers Stack
Questions
How do you stop free event tickets going to no-shows?
Asked 2 days ago
We run free author talks and half the people who book never come.
asked Mar 4, 2024 at 21:47
Rosa Achter
2 Answers
Sorted by:
Highest score (default)
Date created (oldest first)
14
Charge a small amount and give it back as a voucher on the night.
answered Mar 5, 2024 at 8:03
Maggie Doyle
3
Overbook by a third; a talk is never full of the people who booked.
answered Mar 5, 2024 at 9:30
Ed Parry
"""


def test_a_qa_pages_sort_menu_is_furniture_and_an_answer_starts_at_its_score():
    article, comments = _read(QA_WITH_SCORES)
    assert [c.author for c in comments] == ["Maggie Doyle", "Ed Parry"]
    assert [c.source_text[c.start:].split("\n", 1)[0] for c in comments] == ["14", "3"]
    assert not any("(default)" in t for t in _bodies([article, *comments]))


SOCIAL_GROUP_POST = """Skip to main content
Huddle
Home
Groups
Menu
Independent Studio Owners UK
Private group · 8.4K members
Joined
About
Discussion
Nathan Greaves
Top contributor
2d
·
Shared with Members of Independent Studio Owners UK
How do you deal with class no-shows?
We cap classes at fourteen and three people do not turn up most evenings.
All reactions:
12
Kerry Lyle
Top contributor
Charge the class credit for anything cancelled under twelve hours.
Like · Reply · 2d
"""


def test_a_social_groups_name_and_an_upsell_are_no_title():
    article, comments = _read(SOCIAL_GROUP_POST)
    assert article.title is None and article.author == "Nathan Greaves"
    article, comments = _read("Home\nMy Network\nJobs\nTry Premium for £0\n"
                              "We rewrote one reminder text and missed appointments fell by a third\n"
                              "Aisling Moran\nPublished Mar 5, 2024\n"
                              "Every practice knows the cost of an empty chair, so we changed one message.\n")
    assert article.title == "We rewrote one reminder text and missed appointments fell by a third"


# --- A third blind round: older boards, a list archive, aggregators, signed comments, listing Q&A (o* pages) ---

SMF_TOPIC = """Sill & Ladder Forum
Welcome, Guest. Please login or register.
1 Hour
1 Day
Forever
Home
Help
Login
Sill & Ladder Forum » Trade » Rounds » Moving a round to six-weekly
« previous next »
Author	Topic: Moving a round to six-weekly  (Read 412 times)
0 Members and 1 Guest are viewing this topic.
KettleSteve
Full Member
***
Offline
Posts: 214
Moving a round to six-weekly
« on: March 04, 2024, 09:12:44 PM »
Quote
I am thinking of moving the whole round to six-weekly and putting the price up a little.
Logged
DaveH
Hero Member
*****
Offline
Posts: 3,406
Re: Moving a round to six-weekly
« Reply #1 on: March 04, 2024, 09:40:02 PM »
Quote
Did it in 2021 with a letter through every door and lost one customer in ten.
Logged
ClearViewClaire
Sr. Member
****
Offline
Posts: 977
Re: Moving a round to six-weekly
« Reply #2 on: March 04, 2024, 10:02:15 PM »
Quote
Keep four-weekly as an option at a higher price; the fussy ones will pay it.
Logged
"""


def test_a_boards_topic_line_names_the_title_and_the_card_over_the_first_post_its_writer():
    article, comments = _read(SMF_TOPIC)
    assert article.title == "Moving a round to six-weekly" and article.author == "KettleSteve"
    assert [c.author for c in comments] == ["DaveH", "ClearViewClaire"]


SIGNED_COMMENTS = """Home / Blog / News from the nursery
Why deliveries now come in two-hour slots
Posted on 14 March 2024 by Jo Hollins
Every delivery now gets a two-hour slot, chosen when you order.
Your comments (3)

Finally. I waited in all morning for compost last spring.

The text before the driver arrives is the clever bit.
— Maria, Leeds

Could there be an evening slot? Both of us work.
— Tom, Horsforth

Tom, we are trying a Thursday evening run from May.
— Jo at Hollins Lane

Leave a comment
Send comment
"""


def test_comments_signed_under_their_text_and_a_breadcrumb_whose_last_item_is_a_section():
    article, comments = _read(SIGNED_COMMENTS)
    assert article.title == "Why deliveries now come in two-hour slots"
    assert [c.author for c in comments] == ["Maria", "Tom", "Jo at Hollins Lane"]
    assert comments[2].parent_key == "c2" and comments[2].addressed_to == "Tom"
    assert "— Maria, Leeds" in _roles(comments[0], "boilerplate")


LISTING_QA = """LocalFind
Log in
Home › Leeds › Laundry › Kirkgate Launderette
Kirkgate Launderette
4.3
(87 reviews)
Questions & answers
Do you do service washes on Sundays?
Asked by Carys M. · 2 weeks ago
I manage two holiday flats and the changeovers are on Sundays.
4 answers
Kirkgate Launderette
Response from the owner
11 Mar
Yes, Sunday service washes run from nine until one.
Helpful (12)
A LocalFind user
20 Mar
We use them every Sunday and the bags are always ready by three.
Helpful (2)
"""


def test_a_questions_asked_by_line_under_a_listing_makes_the_question_the_title():
    article, comments = _read(LISTING_QA)
    assert article.title == "Do you do service washes on Sundays?" and article.author == "Carys M."
    assert [c.author for c in comments] == ["Kirkgate Launderette", "A LocalFind user"]


STORY_AND_LIST_ARCHIVE = """Tradedot
News for shopkeepers. Stuff that matters.
Stories
Topics
Submit
Login
Tailors Ditch Hourly Quotes For Fixed Price Lists
23
Posted by jhollis on Tuesday March 05, 2024 @11:25AM from the taking-it-in dept.
Alteration shops are moving to printed price lists for the common jobs.
Share
Related Links
Market Stalls Go Cashless, Then Quietly Go Back
This discussion has been archived. No new comments can be posted.
Search 23 Comments
Comments Filter:
Hemming is not the problem (Score:5, Insightful)
by seamripper ( 618321 ) on Tuesday March 05, 2024 @11:41AM (#64292011)
The problem was always the customer with the twelve pound shirt.
Re:Hemming is not the problem (Score:2)
by bobbin_jo ( 77120 ) on Tuesday March 05, 2024 @12:02PM (#64292100)
A printed list at least tells them before they queue.
"""


def test_a_storys_title_over_its_count_and_dept_line_and_search_n_comments():
    article, comments = _read(STORY_AND_LIST_ARCHIVE)
    assert article.title == "Tailors Ditch Hourly Quotes For Fixed Price Lists" and article.author == "jhollis"
    assert article.declared_comment_count == 23
    assert [c.author for c in comments] == ["seamripper", "bobbin_jo"]


FORUM_BADGES_AND_QUOTES = """PawPlanner Community
Late cancellations are eating my Saturdays
Bianca R.
Posted 3 days ago
Two no-shows every Saturday this month.
Like (14)
Tamsin Hale
Community Champion
Posted 3 days ago
I take a deposit for Saturday bookings only.
Like (22)
Greg_Groomer
Posted 3 days ago
Tamsin Hale said:
I take a deposit for Saturday bookings only.
My clients book by phone, so I ring the afternoon before instead.
Like (5)
Deleted user
Posted 2 days ago
Charge full price for no-shows.
Like (2)
Leah (PawPlanner Team)
PawPlanner Staff
Posted 2 days ago
Deposits are on the Pro plan under Settings.
"""


def test_a_community_badge_a_quote_under_a_date_a_deleted_user_and_a_team_in_brackets():
    article, comments = _read(FORUM_BADGES_AND_QUOTES)
    assert [c.author for c in comments] == ["Tamsin Hale", "Greg_Groomer", "Deleted user", "Leah"]
    assert comments[1].parent_key == "c1"


LIST_ARCHIVE_NUMBERED = """printtrade list archive
350gsm silk cracking on the fold
Message 1 of 3
From: Ellen Marsh <e.marsh@...>
Date: Mon, 4 Mar 2024 09:26:11 +0000
Subject: [printtrade] 350gsm silk cracking on the fold
The new stock cracks on the fold even after creasing.
Message 2 of 3
From: Rob Tennant <rob@...>
Date: Mon, 4 Mar 2024 11:02:37 +0000
Subject: Re: [printtrade] 350gsm silk cracking on the fold
Different mill, different fibre: crease with the grain.
Message 3 of 3
From: Jan Kowalczyk <jk@...>
Date: Mon, 4 Mar 2024 12:40:00 +0000
Subject: Re: [printtrade] 350gsm silk cracking on the fold
Or ask the merchant for the grain direction before you order.
"""


def test_a_list_archives_message_numbers_open_its_messages():
    article, comments = _read(LIST_ARCHIVE_NUMBERED)
    assert [c.author for c in comments] == ["Rob Tennant", "Jan Kowalczyk"]
    assert [c.source_text[c.start:].split("\n", 1)[0] for c in comments] == ["Message 2 of 3", "Message 3 of 3"]


# --- A fourth blind round: a vendor community, a UK board, plugins, a review page (u* pages) ---

VENDOR_COMMUNITY = """Cartwell Community
Forums
Store Setup & Apps
Taking repair bookings with a deposit
Options
Subscribe to RSS Feed
Bookmark
Printer Friendly Page
Solved!
Taking repair bookings with a deposit
Spokesmith_Leeds
Tourist
3 0 1
Report Inappropriate Content
03-04-2024 09:12 AM
Message 1 of 3
We need customers to book a service slot online and pay a deposit.
0 Kudos
Reply
2 REPLIES 2
Kestrel_Apps
Cartwell Partner
1,204 188 412
Report Inappropriate Content
03-04-2024 10:03 AM
Message 2 of 3
Re: Taking repair bookings with a deposit
Sell the deposit as a product with one variant per drop-off day.
3 Kudos
Reply
GearsAndGrease
Explorer
12 1 3
Report Inappropriate Content
03-04-2024 11:20 AM
Message 3 of 3
Re: Taking repair bookings with a deposit
We do the same and cap each day at eight bikes.
1 Kudo
Reply
"""


def test_a_vendor_communitys_headers_and_its_count_printed_twice():
    article, comments = _read(VENDOR_COMMUNITY)
    assert article.title == "Taking repair bookings with a deposit" and article.author == "Spokesmith_Leeds"
    assert [c.author for c in comments] == ["Kestrel_Apps", "GearsAndGrease"]
    assert article.declared_comment_count == 2  # '2 REPLIES 2'


UK_BOARD = """Natternet
Talk
Am I being unreasonable?
Small business
Log in
Talk
»
Small business
Hairdresser - AIBU to charge more for long hair on my new price list?
3 replies
Watch this thread
#1
HairByHollie Tue 05-Mar-24 09:12:44
My new list charges long hair more. AIBU?
Add message | Report | Message poster
#2
WhatWouldBevDo Tue 05-Mar-24 09:34:58
Slightly, because of the jump. I would phase it in.
Add message | Report | Message poster
#3
HairByHollie Tue 05-Mar-24 09:41:30
WhatWouldBevDo Tue 05-Mar-24 09:34:58
I would phase it in.
That is a sensible idea, thank you.
Add message | Report | Message poster
#4
Tangerinedream Tue 05-Mar-24 10:02:17
Long-haired customer here: just put it on the list.
Add message | Report | Message poster
"""


def test_a_boards_user_names_before_timestamps_and_a_post_pasted_into_a_reply():
    article, comments = _read(UK_BOARD)
    assert article.title == "Hairdresser - AIBU to charge more for long hair on my new price list?"
    assert article.author == "HairByHollie"
    # the header #3 pastes in with #2's words is no post of its own
    assert [c.author for c in comments] == ["WhatWouldBevDo", "HairByHollie", "Tangerinedream"]


PLUGIN_AND_REVIEWS = """Hearth & Hollow
Home
Blog
Why our wholesale prices changed
By Ellie Marchetti
We now set a minimum of forty pounds a drop for café deliveries.
3 Comments
Sort by
Top
Add a comment...

Tom Birchall
The standing order discount is why we switched to you.
Like · Reply · 6 · 2y

Hearth & Hollow Bakery
Author
Thanks Tom! The Boathouse was one of our first wholesale customers.
Like · Reply · 2y

Gemma Rowntree
Forty pounds a drop rules out a twelve-seat hatch like ours.
Like · Reply · 3 · 2y
"""


def test_a_business_writing_as_itself_heads_its_replies():
    article, comments = _read(PLUGIN_AND_REVIEWS)
    assert [c.author for c in comments] == ["Tom Birchall", "Hearth & Hollow Bakery", "Gemma Rowntree"]


REVIEW_PAGE = """Reviewly
Paws at Home Pet Sitting
Written by the company
Home visits for cats and small dogs in Stockport.
Reviews
Sort:
Most relevant

LH
Lucy Harland
GB
2 reviews
Rated 5 out of 5 stars
Mar 3, 2024
Our two cats barely noticed we had gone
A photo after every visit, and she spotted a cat not drinking.
Date of experience: February 18, 2024
Useful
Share

Reply from Paws at Home Pet Sitting
Mar 5, 2024
Thank you Lucy! See you both in July.

DM
Dan Mercer
GB
1 review
Rated 4 out of 5 stars
Feb 26, 2024
Great with our nervous rescue dog
Patient meet-and-greets and brilliant updates.
Date of experience: February 10, 2024
Useful
Share
"""


def test_a_businesss_reply_under_a_review_answers_it():
    article, comments = _read(REVIEW_PAGE)
    assert [c.author for c in comments] == ["Lucy Harland", "Paws at Home Pet Sitting", "Dan Mercer"]
    assert comments[1].parent_key == "c1" and comments[2].parent_key == ""


WIX_POST = """We value your privacy
We and our partners use cookies to personalise content and ads.
I Accept
Show Purposes
Nair & Co. Accountants
Home
Services
Blog
All Posts
Small Business
Priya Nair
Mar 4
3 min read
Updated: Mar 6
Why we have switched every client to a fixed monthly fee
For eight years we billed by the hour, and clients stopped ringing us.
"""


def test_a_consent_banner_and_a_title_under_its_byline_and_reading_time():
    article, comments = _read(WIX_POST)
    assert article.title == "Why we have switched every client to a fixed monthly fee"


def test_a_deleted_writer_on_a_line_of_its_own_heads_a_comment():
    article, comments = _read("r/SmallBusinessUK\nPosted by u/ink_and_ivy 5 hr. ago\nA proof went out with a typo\n"
                              "Who pays for the reprint when the customer approved the proof?\n\n"
                              "thatprintguy\n·\n4 hr. ago\nThe customer approved it, so the customer pays.\nReply\n\n"
                              "[deleted]\n·\n3 hr. ago\n[removed]\nReply\n\n"
                              "ledger_lad\n·\n2 hr. ago\nOffer it at cost and keep the customer.\nReply\n")
    assert [c.author for c in comments] == ["thatprintguy", None, "ledger_lad"]


# --- A fifth blind round: newsletters, a news site's comments, forums (i* pages) ---


NEWSLETTER_TITLE_OVER_ISSUE_LINE = """The Pantry Post
Subscribe
Sign in

How We Cut Food Waste in Half at a Twelve-Seat Cafe
Issue #19: the three lists we keep, and the one we stopped keeping
Ines Carvalho
Apr 02, 2024
31

5
Share

Every Monday we used to bin about a crate of produce, and nobody could say why.
We now write the order from what is left on Sunday night, not from last week's order.
"""


def test_a_newsletter_posts_long_title_over_an_issue_line_is_its_title_not_a_masthead():
    article, _ = _read(NEWSLETTER_TITLE_OVER_ISSUE_LINE)
    assert article.title == "How We Cut Food Waste in Half at a Twelve-Seat Cafe"
    assert "Issue #19: the three lists we keep, and the one we stopped keeping" not in _roles(article, "title")


NEWS_COMMENTS_REPLY_ARROW_OVER_DATE = """Harbour Street store owners weigh a second delivery van
By Lena Fairweather, Business Reporter
Three shops on Harbour Street now share one delivery van, and two of them want another.
The van runs twice a day and is booked through a shared calendar.

4 Comments
Sort by Best

Avatar
Omar Castellano
• 3 days ago
A second van doubles the insurance too, which nobody in the piece mentions.
Reply • Share ›
Avatar
Priti Anand > Omar Castellano
• 3 days ago
The insurer quoted us a fleet rate, so the second van costs far less than the first.
Reply • Share ›
Avatar
Hugo Brandt
• 2 days ago
Share the calendar publicly so customers can see the slots.
Reply • Share ›
Avatar
Lena Fairweather  Mod > Hugo Brandt
• 2 days ago
Hugo, the shops told me a public calendar is next on their list.
Reply • Share ›
"""


def test_a_reply_arrow_between_two_names_on_a_line_of_its_own_heads_a_reply():
    article, comments = _read(NEWS_COMMENTS_REPLY_ARROW_OVER_DATE)
    assert [c.author for c in comments] == ["Omar Castellano", "Priti Anand", "Hugo Brandt", "Lena Fairweather"]
    assert [c.parent_key for c in comments] == ["", "c1", "", "c3"]


NEWSLETTER_COMMENTS_THEN_MORE_POSTS = """Why we stopped discounting on Fridays
Tomasz Nowicki
Mar 3, 2024
The Friday discount brought people in who never came back at full price.
We replaced it with a loyalty card and the Friday takings held.

3 comments

Alma Reyes
•
2 days ago
We saw the same with a lunchtime deal: the deal crowd left when it ended.
Reply

Tomasz Nowicki
Author
•
2 days ago
Replying to Alma Reyes
Alma, did the regulars notice when it ended?
Reply

Jon Heddle
•
1 day ago
A loyalty card only works if staff remember to offer it.
Reply
Load more comments
Read more
How we price a catering order
Tomasz Nowicki Feb 19, 2024
Keeping the walk-in tidy when the rota changes
Tomasz Nowicki Feb 5, 2024
The Corner Counter © 2024
"""


def test_more_posts_after_the_load_more_control_are_no_comments():
    article, comments = _read(NEWSLETTER_COMMENTS_THEN_MORE_POSTS)
    assert [c.author for c in comments] == ["Alma Reyes", "Tomasz Nowicki", "Jon Heddle"]
    assert "How we price a catering order" not in _roles(comments[-1], "body")


FORUM_THREAD_THEN_SIMILAR_THREADS = """Splitting one electricity bill between four studio tenants
Thread starter kiln_kate Start date Mar 4, 2024

kiln_kate
Member
Mar 4, 2024
#1
Four of us share one meter. How do you split the bill fairly when one of us runs a kiln?
Reply

loom_and_lathe
Member
Mar 4, 2024
#2
Put a sub-meter on the kiln circuit and split the rest by floor area.
Reply

glassworks_gail
Member
Mar 5, 2024
#3
A sub-meter costs less than one argument about the bill.
Reply

Similar threads
Who pays for the shared alarm?
Started by bench_bill
Jan 12, 2024
Replies: 14
Contact us
"""


def test_a_count_in_the_similar_threads_list_is_not_the_threads():
    article, comments = _read(FORUM_THREAD_THEN_SIMILAR_THREADS)
    assert [c.author for c in comments] == ["loom_and_lathe", "glassworks_gail"]
    assert article.declared_comment_count is None


# --- A sixth blind round: a link aggregator, a launch page, WordPress, Invision, Blogger, Squarespace,
# Discourse and a Mastodon-like thread (t* pages) ---


BLOG_CATEGORY_FROM_MENU_OVER_TITLE = """Skip to content
Crumb & Ledger
Notes from running a small bakery, mostly about the unglamorous parts
Menu
Home
About
Recipes
The Business Side
Contact
Search for:
Search

The Business Side
Why we moved to weekly supplier invoices
Posted on April 9, 2024 by Marta Quill
Monthly invoices hid a price rise on butter for three weeks, and we only saw it at the end of the month.
Weekly ones show it the Monday it lands.

Related
Pricing a wedding cake without guessing
In "The Business Side"
Categories: The Business Side

2 thoughts on “Why we moved to weekly supplier invoices”
Nell Okoro says:
April 9, 2024 at 8:10 pm
We did the same with flour and caught a surcharge in the first week.
Reply
Marta Quill says:
April 10, 2024 at 7:02 am
Nell, the surcharge is exactly what the monthly invoice hid from us.
Reply
"""


def test_a_category_label_repeated_from_the_menu_over_the_title_and_its_byline_is_not_the_title():
    article, comments = _read(BLOG_CATEGORY_FROM_MENU_OVER_TITLE)
    assert article.title == "Why we moved to weekly supplier invoices"
    assert article.author == "Marta Quill" and [c.author for c in comments] == ["Nell Okoro", "Marta Quill"]


DISCOURSE_TAGS_OVER_TIMELINE = """Skip to main content
Shopfloor Community
Sign Up
Log In

Keeping two ovens busy without a second baker?
Equipment
ovens
staffing
You have selected 0 posts.
select all
cancel selecting

Apr 2
1 / 4
Apr 3

hana_k
Apr 2
We run two deck ovens from 4am and only one baker is in before 6.
The second oven sits cold for two hours every morning.

created
Apr 2
last reply
Apr 3
2
replies

bram.the.baker
Apr 2
Stagger the doughs so the second oven takes the long bakes after six.
2 Likes

hana_k
Apr 3
@bram.the.baker that frees the first oven for rolls, thanks.
"""


def test_a_forums_timeline_of_dates_under_its_tags_heads_no_post():
    article, comments = _read(DISCOURSE_TAGS_OVER_TIMELINE)
    assert (article.author, [c.author for c in comments]) == ("hana_k", ["bram.the.baker", "hana_k"])


INVISION_TOPIC = """Trade Bench Forums
Sign In
Running the Business
Van insurance doubled after one windscreen claim?
Reply to this topic
Recommended Posts
Ines Navarro
Ines Navarro
Apprentice
Members
\u00a0
14
Posted May 2
Report post
\u00a0
One windscreen claim and the renewal on my van went from 610 to 1,240.
Is that normal for a single glass claim?
Quote
Link to comment
\u00a0
Colm Ryder
Colm Ryder
Regular Contributor
Members
\u00a0
2.4k
Posted May 2
Report post
\u00a0
Glass claims should not touch your no-claims bonus; ask the broker to show you the rating.
Edited May 3 by Colm Ryder
Quote
Link to comment
\u00a0
Ines Navarro
Ines Navarro
Apprentice
Members
\u00a0
14
Posted May 3
Author
Report post
\u00a0
Colm, the broker found the error and the quote is back to 650.
Quote
Link to comment
"""


def test_a_forum_post_count_apart_from_its_card_over_the_date_and_an_edit_note_naming_its_editor():
    article, comments = _read(INVISION_TOPIC)
    assert article.author == "Ines Navarro"
    assert [c.author for c in comments] == ["Colm Ryder", "Ines Navarro"]


FEDERATED_LINK_THREAD = """Commonlink
Communities
Login
c/shopkeeping
shopkeeping@commonlink.example
Our card reader failed on market day, what we keep as a backup now (stallnotes.example)
submitted
9 hours ago
by
fenwick_stall
to
c/shopkeeping
\u00a0
57
\u00a0
The card reader died at ten on a Saturday and we lost about a third of the morning's sales.
We now carry a second reader on a different network and a printed price list with a payment link.
\u00a0
6 comments
\u00a0
olu_bakes@crumbs.example
\u00a0\u00b7 8h
A second reader on another network is the right call; ours fails when the market's wifi does.
\u00a0
reply
report
\u00a0
fenwick_stall@commonlink.example
\u00a0\u00b7 7h
@olu_bakes that is exactly what happened to us, the wifi went first.
\u00a0
reply
report
"""


def test_a_federated_threads_writers_are_accounts_on_other_servers_and_its_byline_is_one_word_a_line():
    article, comments = _read(FEDERATED_LINK_THREAD)
    assert (article.author, [c.author for c in comments]) == ("fenwick_stall", ["olu_bakes", "fenwick_stall"])
    assert comments[1].parent_key == "c1"  # '@olu_bakes' answers the comment above


NEWSLETTER_SHARE_CARD_OVER_TITLE = """The Stock Room
Subscribe
Sign in
Share this post
The Stock Room
Count the shelf, not the spreadsheet
Copy link
Facebook
Email
Notes
More
Discover more from The Stock Room
Notes on running a small shop's stock, from a shop that runs out of things.
Subscribe
Continue reading
Sign in
Count the shelf, not the spreadsheet
Why our stock counts drifted, and the ten-minute check that fixed it
Noor Haddad
Mar 2, 2024
Our till said we had forty jars of honey, and the shelf had twelve.
"""


def test_a_share_cards_whole_title_over_its_share_menu_is_not_the_title_line():
    article, _ = _read(NEWSLETTER_SHARE_CARD_OVER_TITLE)
    title_line = next(b for b in article.blocks if b.role == "title")
    text = NEWSLETTER_SHARE_CARD_OVER_TITLE
    assert article.title == "Count the shelf, not the spreadsheet"
    assert title_line.start == text.index("Count the shelf", text.index("Continue reading"))  # the title itself
