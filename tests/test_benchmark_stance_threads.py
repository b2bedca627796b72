"""quality stance-threads: claims and stance on whole debate threads, read as any page is."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, outputs_snapshot

from benchmarks.stance_threads import (
    claim_scores,
    every_row_scores,
    page_lean,
    page_sets_markdown,
    thread_scores,
    threads_markdown,
)


def test_claim_scores_count_only_the_gold_sentences_split_the_same_way():
    sentences = pd.DataFrame({"source": ["a.txt"] * 3, "text": ["Sell first.", "We met  on Monday.", "Hire later."],
                              "is_claim": [True, True, False]})
    gold = pd.DataFrame({"doc": ["a.txt"] * 4, "sentence": ["Sell first.", "We met on Monday.", "Hire later.", "Gone."],
                         "is_claim": [1, 0, 1, 1]})
    scores = claim_scores(sentences, gold)
    assert (scores["gold_sentences"], scores["matched"], scores["positives"]) == (4, 3, 2)
    assert (scores["precision"], scores["recall"]) == (0.5, 0.5)


def test_every_row_scores_read_a_missed_claim_and_a_non_claim_as_neutral():
    sentences = pd.DataFrame({"source": ["a.txt"] * 3, "text": ["Sell first.", "We met on Monday.", "Brand wins."],
                              "is_claim": [True, False, False], "stance": ["pro-sales", None, None]})
    gold = pd.DataFrame({"doc": ["a.txt"] * 3, "sentence": ["Sell first.", "We met on Monday.", "Brand wins."],
                         "is_claim": [1, 0, 1], "stance": ["pro-sales", "neutral", "pro-marketing"]})
    scores = every_row_scores(sentences, gold, "neutral")
    assert (scores["all_rows"]["n"], scores["claims"]["n"]) == (3, 2)
    # all rows: pro-sales right, neutral right, pro-marketing read neutral -> F1 1, 2/3, 0 over three labels
    assert scores["all_rows"]["macro_f1"] == pytest.approx((1 + 2 / 3 + 0) / 3, abs=1e-4)


def test_page_lean_compares_each_page_s_top_position_in_the_gold_and_as_read():
    texts = ["Sell first.", "Call them.", "Brand wins.", "Know the segment.", "Ship it.", "Ads work."]
    sentences = pd.DataFrame({"source": ["a.txt"] * 4 + ["b.txt"] * 2, "text": texts,
                              "is_claim": [True, True, True, False, True, True],
                              "stance": ["pro-sales"] * 3 + [None, "pro-sales", "pro-marketing"]})
    gold = pd.DataFrame({"doc": ["a.txt"] * 4 + ["b.txt"] * 2, "sentence": texts, "is_claim": [1, 1, 1, 1, 0, 1],
                         "stance": ["pro-sales", "pro-sales", "pro-marketing", "pro-strategy", "neutral",
                                    "pro-marketing"]})
    lean = page_lean(sentences, gold, "neutral")
    # b.txt has one gold claim that takes a side: too few to say how a page leans
    assert lean["pages"] == 1
    # a.txt: two of four gold claims on its top position; all three it reads as sided are pro-sales
    assert lean["gold"] == {"mean_top_share": 0.5, "pages_one_label_90": 0}
    assert lean["pipeline"] == {"mean_top_share": 1.0, "pages_one_label_90": 1}


@pytest.mark.slow
def test_thread_scores_read_every_debate_thread_and_write_nothing_in_the_project(params):
    before = outputs_snapshot()
    result = thread_scores(params, ROOT)
    assert outputs_snapshot() == before
    pages = [f for f in (ROOT / "corpora" / "debate-threads").iterdir() if f.suffix == ".txt"]
    assert result["pages"] == len(pages)
    assert result["claims"]["matched"] > 0.8 * result["claims"]["gold_sentences"]
    assert result["stance"]["all"]["n"] == result["stance"]["matched_claims"] > 0
    assert "| all |" in threads_markdown(result)
    assert result["stance"]["every_row"]["all_rows"]["n"] == result["claims"]["matched"]
    assert 0 < result["stance"]["page_lean"]["pages"] <= result["pages"]
    assert "One label per page?" in threads_markdown(result)


@pytest.mark.parametrize("corpus", ["debate-threads", "debate-dev", "debate-dev-b", "debate-dev-c"])
def test_every_gold_sentence_of_the_page_sets_is_on_its_line(corpus):
    from benchmarks.stance_threads import SETS

    gold = pd.read_csv(ROOT / SETS[corpus][0])
    assert set(gold["stance"]) == {"pro-sales", "pro-marketing", "pro-strategy", "neutral"}
    assert set(gold["confidence"]) <= {"high", "low"} and set(gold["is_claim"]) <= {0, 1}
    assert (gold.loc[gold["is_claim"] == 0, "stance"] == "neutral").all()
    for doc, rows in gold.groupby("doc"):
        lines = (ROOT / "corpora" / corpus / doc).read_text(encoding="utf-8").split("\n")
        assert all(r.sentence in lines[r.line - 1] for r in rows.itertuples()), doc


def test_stance_threads_names_the_page_sets_it_knows():
    from typer.testing import CliRunner

    from benchmarks.cli import app

    result = CliRunner().invoke(app, ["--params", str(ROOT / "params.yaml"), "quality", "stance-threads",
                                      "--corpus", "seed-blogs"])
    assert result.exit_code != 0
    said = " ".join(result.output.replace("│", " ").split())  # the message as one line, out of its box
    assert "--corpus must be one of debate-threads, debate-dev, debate-dev-b, debate-dev-c or all" in said


def _scored(corpus: str, f1: float, every: float) -> dict:
    def f(v):
        return {"in_context": {"macro_f1": v}}

    return {"corpus": corpus, "claims": {"f1": f1, "precision": f1, "recall": f1},
            "stance": {"high": f(every), "all": f(every),
                       "every_row": {"all_rows": {"macro_f1": every}, "claims": {"macro_f1": every}},
                       "page_lean": {"gold": {"mean_top_share": 0.5}, "pipeline": {"mean_top_share": every}}}}


def test_the_page_sets_table_gives_each_set_and_the_development_sets_mean():
    table = page_sets_markdown([_scored("debate-threads", 0.9, 0.7), _scored("debate-dev", 0.8, 0.6),
                                _scored("debate-dev-b", 0.6, 0.4)])
    assert ("| debate-threads | evaluation | 0.900 (0.900 / 0.900) | 0.700 / 0.700 | 0.700 / 0.700 | 50% / 70% |"
            in table)
    # the evaluation set stays out of the mean the choices are made on
    assert ("| mean of the 2 development sets | chooses | 0.700 (0.700 / 0.700) | 0.500 / 0.500 | 0.500 / 0.500 "
            "| 50% / 50% |") in table

