"""HTML layouts beyond a blog post: each rule of pipeline/readers/html_layout.py on a tiny page."""

from __future__ import annotations

from pipeline.ingest import ingest_corpora, read_corpus
from pipeline.readers.html import read_html_page


def _read(body: str, head: str = "<title>T</title>"):
    result = read_html_page(f"<html><head>{head}</head><body>{body}</body></html>", "p.html")
    assert not result.rejects, result.rejects
    article, *comments = result.docs
    return article, comments


def _texts(doc, role):
    return [doc.source_text[b.start:b.end] for b in doc.blocks if b.role == role]


def _post(user, text, extra=""):
    return f'<div class="comment"{extra}><span class="byline"><a class="user">{user}</a> 1 hour ago</span><p>{text}</p></div>'


AGG = ('<nav>Home | New | Ask</nav><div class="story"><span class="titleline">Cutting build times in half</span></div>'
       '<div class="subtext">40 points by user_a 2 hours ago | hide | past | favorite | 3 comments</div>')


def test_aggregator_metadata_line_gives_submitter_count_and_is_boilerplate():
    article, comments = _read(AGG + _post("user_b", "Caching helped us most.") + _post("user_c", "We split the tests."))
    assert article.title == "Cutting build times in half" and article.author == "user_a"
    assert article.declared_comment_count == 3 and len(comments) == 2
    assert "40 points by user_a 2 hours ago | hide | past | favorite | 3 comments" in _texts(article, "boilerplate")
    assert "Home | New | Ask" in _texts(article, "boilerplate")


def test_flat_rows_with_indent_attribute_nest_replies():
    rows = "".join(
        f'<tr class="comtr"><td class="ind" indent="{d}"></td><td><span class="head"><a class="hnuser">{u}</a> 1 hour ago</span>'
        f'<div class="commtext">{t}</div></td></tr>'
        for d, u, t in ((0, "user_b", "First point here."), (1, "user_c", "A reply to it."), (0, "user_d", "Another top one.")))
    article, comments = _read(AGG + f"<table>{rows}</table>")
    assert [c.parent_key for c in comments] == ["", "c1", ""]
    assert [c.author for c in comments] == ["user_b", "user_c", "user_d"]


def test_spacer_width_and_margin_style_are_indents():
    rows = "".join(
        f'<div class="comment" style="margin-left: {w}px"><a class="user">{u}</a><p>{t}</p></div>'
        for w, u, t in ((0, "user_b", "Top."), (40, "user_c", "Under it."), (80, "user_d", "Deeper.")))
    _, comments = _read(AGG + rows)
    assert [c.parent_key for c in comments] == ["", "c1", "c2"]


def test_nested_reply_answers_the_post_it_sits_in():
    nested = ('<div class="comment"><a class="user">user_b</a><p>Top.</p>'
              '<div class="comment"><a class="user">user_c</a><p>Inside.</p></div></div>')
    _, comments = _read(AGG + nested)
    assert [(c.author, c.parent_key) for c in comments] == [("user_b", ""), ("user_c", "c1")]


def test_forum_first_post_is_the_article_and_bylines_are_boilerplate():
    posts = "".join(
        f'<article class="post"><div class="meta">Posted by <a class="username">{u}</a> on 1 May 2024</div>'
        f'<div class="post-body"><p>{t}</p></div><div class="post-actions"><a>Quote</a></div></article>'
        for u, t in (("user_a", "How do you rotate keys?"), ("user_b", "Every ninety days, automated.")))
    article, comments = _read("<h1>Rotating keys</h1><p>Replies: 1</p>" + posts)
    assert article.author == "user_a" and "How do you rotate keys?" in _texts(article, "body")
    assert "Posted by user_a on 1 May 2024" in _texts(article, "boilerplate")
    assert [c.author for c in comments] == ["user_b"] and comments[0].parent_key == ""
    assert comments[0].text.startswith("Posted by user_b on 1 May 2024")
    assert "Quote" not in comments[0].text


def test_qa_answers_and_their_comments():
    page = ('<h1>Which queue?</h1><div itemscope itemtype="https://schema.org/Question">'
            '<div itemprop="text"><p>Which queue should we use?</p></div><div>asked by <a class="user">user_a</a></div></div>'
            '<h2>1 Answer</h2><div class="answer"><div itemprop="text"><p>The one you already run.</p></div>'
            '<div>answered by <a class="user">user_b</a></div><ul><li class="comment">'
            '<span>Agreed, fewer systems.</span> <a class="comment-user">user_c</a></li></ul></div>')
    article, comments = _read(page)
    assert article.title == "Which queue?" and article.author == "user_a"
    assert article.declared_comment_count == 1
    assert [(c.author, c.parent_key) for c in comments] == [("user_b", ""), ("user_c", "c1")]


def test_metadata_header_is_metadata_never_the_title():
    head = '<title>Notes</title><meta name="author" content="user_z">'
    body = ('<header><p>Source: https://example.com/a</p><p>Date: 2024-01-02</p><p>Author: user_a</p></header>'
            '<nav><ul><li>Home</li><li>About</li><li>Archive</li></ul></nav>'
            '<h1>Budgets follow habits</h1><p>Teams spend what they spent last year.</p>'
            '<footer><p>© 2024 Notes. All rights reserved.</p></footer>')
    article, _ = _read(body, head)
    assert article.title == "Budgets follow habits"
    assert (article.url, article.published, article.author) == ("https://example.com/a", "2024-01-02", "user_a")
    assert set(_texts(article, "boilerplate")) == {
        "Source: https://example.com/a", "Date: 2024-01-02", "Author: user_a", "Home | About | Archive",
        "© 2024 Notes. All rights reserved."}
    assert _texts(article, "body") == ["Teams spend what they spent last year."]


def test_search_box_and_footer_class_are_boilerplate():
    body = ('<h1>Title here</h1><p>Real text of the page.</p>'
            '<div class="site-footer">Terms | Privacy | Contact</div><form action="/s">Search: <input name="q"></form>')
    article, _ = _read(body)
    assert set(_texts(article, "boilerplate")) == {"Terms | Privacy | Contact", "Search:"}


def test_thread_page_without_comments_is_warned_about(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "corpus.yaml").write_text("name: t\ndescription: d\nsource: s\nlicense: l\nlanguage: en\nformat: html\n")
    (folder / "a.html").write_text(f"<html><body>{AGG}<p>Some submission text here.</p></body></html>")
    result = ingest_corpora([read_corpus(tmp_path, "t", 1_000_000)])
    [warning] = result.stats["thread_warnings"]
    assert "declares 3 comment(s) but 0 were read" in warning["warning"]


def test_thread_payloads_stay_text():
    payload = ('<script>alert(1)</script><img src=x onerror="alert(2)">&lt;b&gt;bold&lt;/b&gt; '
               '<a href="javascript:alert(3)">link</a> {{7*7}} ${7*7}')
    article, comments = _read(AGG + _post("user_b", payload) + _post("user_c<b>x</b>", "Plain."))
    text = comments[0].text
    assert "alert(1)" not in text  # script bodies are not page text
    assert "<b>bold</b>" in text and "{{7*7}} ${7*7}" in text and "link" in text
    assert "<" not in comments[1].author.replace("<", "", 0) or comments[1].author == "user_cx"
