"""quality stance-off-debate: the shipped models on pages about other topics, in a scratch folder."""

from __future__ import annotations

import pytest
from conftest import ROOT, outputs_snapshot

from benchmarks.stance_off_debate import SUBSETS, off_debate_counts, off_debate_markdown


@pytest.mark.slow
def test_off_debate_counts_read_the_structure_pages_and_write_nothing_in_the_project(params):
    before = outputs_snapshot()
    result = off_debate_counts(params, ROOT)
    assert outputs_snapshot() == before
    pages = [f for f in (ROOT / "corpora" / "structure-pages").iterdir() if f.suffix in (".txt", ".html")]
    assert result["pages"] == len(pages) and result["claims"] > 50
    whole, unseen, trained = (result[s] for s in SUBSETS)
    assert whole["claims"] == result["claims"] == unseen["claims"] + trained["claims"]
    assert whole["pages"] == unseen["pages"] + trained["pages"] and unseen["pages"] > 0 and trained["pages"] > 0
    for read in ("alone", "in_context"):
        counts = whole[read]["per_label"]
        assert sum(counts.values()) == result["claims"]
        assert whole[read]["positions"] == result["claims"] - counts[params.stance.neutral_label]
        assert whole[read]["positions"] == unseen[read]["positions"] + trained[read]["positions"]
    table = off_debate_markdown(result)
    assert f"| alone | {whole['alone']['positions']} of {result['claims']} (" in table
