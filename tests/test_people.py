"""One name per person across a page; positions counted by people."""

import pandas as pd

from pipeline.people import dominant_positions, is_named, resolve_speakers

LABELS = ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]


def _docs(rows):
    cols = ["doc_id", "source", "kind", "comment_n", "author"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_a_first_name_on_the_same_page_is_the_full_name():
    docs = _docs([
        ("c/a.txt", "a.txt", "article", None, "Mike Boysen"),
        ("c/a.txt#c1", "a.txt", "comment", 1, "John"),
        ("c/a.txt#c2", "a.txt", "comment", 2, "Mike"),
        ("c/b.txt", "b.txt", "article", None, "Mike"),  # another page: not the same person
    ])
    speakers = resolve_speakers(docs)
    assert speakers == {"c/a.txt": "Mike Boysen", "c/a.txt#c1": "John", "c/a.txt#c2": "Mike Boysen",
                        "c/b.txt": "Mike"}


def test_an_ambiguous_first_name_is_left_as_written():
    docs = _docs([
        ("c/a.txt", "a.txt", "article", None, "Ann Lee"),
        ("c/a.txt#c1", "a.txt", "comment", 1, "Ann Park"),
        ("c/a.txt#c2", "a.txt", "comment", 2, "Ann"),
    ])
    assert resolve_speakers(docs)["c/a.txt#c2"] == "Ann"


def test_unnamed_writers_stay_apart():
    docs = _docs([
        ("c/a.txt", "a.txt", "article", None, None),
        ("c/a.txt#c1", "a.txt", "comment", 1, None),
        ("c/a.txt#c2", "a.txt", "comment", 2, "  "),
    ])
    speakers = resolve_speakers(docs)
    assert len(set(speakers.values())) == 3
    assert not any(is_named(s) for s in speakers.values())
    assert speakers["c/a.txt#c1"] == "unnamed, a.txt comment 1"


def test_dominant_position_counts_people_not_sentences():
    claims = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "c", "c"],
        "stance": ["pro-sales", "pro-sales", "neutral", "pro-marketing", "neutral", "neutral"],
    })
    out = dominant_positions(claims, {"a": "Ann", "b": "Bo", "c": "Cy"}, LABELS, "neutral")
    assert out == {"Ann": "pro-sales", "Bo": "pro-marketing", "Cy": "neutral"}
    tie = pd.DataFrame({"doc_id": ["a", "a"], "stance": ["pro-strategy", "pro-sales"]})
    assert dominant_positions(tie, {"a": "Ann"}, LABELS, "neutral") == {"Ann": "pro-sales"}
