"""quality stance-threads: claims and stance on whole debate threads, read as any page is."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, outputs_snapshot

from benchmarks.stance_threads import claim_scores, thread_scores, threads_markdown


def test_claim_scores_count_only_the_gold_sentences_split_the_same_way():
    sentences = pd.DataFrame({"source": ["a.txt"] * 3, "text": ["Sell first.", "We met  on Monday.", "Hire later."],
                              "is_claim": [True, True, False]})
    gold = pd.DataFrame({"doc": ["a.txt"] * 4, "sentence": ["Sell first.", "We met on Monday.", "Hire later.", "Gone."],
                         "is_claim": [1, 0, 1, 1]})
    scores = claim_scores(sentences, gold)
    assert (scores["gold_sentences"], scores["matched"], scores["positives"]) == (4, 3, 2)
    assert (scores["precision"], scores["recall"]) == (0.5, 0.5)


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
