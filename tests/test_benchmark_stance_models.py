"""The stance-models benchmark's pairing, decision and report, on tiny fakes (no model is trained)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.stance_models import (
    CrossConfig,
    bi_encoder_training,
    comparison_rows,
    debate_pairs,
    models_markdown,
    pair_log_proba,
    position_texts,
    schedule,
    score_pair_model,
    verdict,
)
from pipeline.stance import AGAINST, FOR, NEITHER, LabelSpace
from pipeline.train_stance import StanceData, for_against_scores

WORDS = ("sell", "brand", "plan")  # the word of each position's fake description and its sentences


def _labels() -> LabelSpace:
    return LabelSpace(names=["pro-a", "pro-b", "pro-c", "neutral"],
                      descriptions=[f"position {w}" for w in WORDS] + ["nothing"],
                      examples=[["ex"], ["ex"], ["ex"], []], terms=[[], [], [], []], neutral="neutral")


def _fake_scorer(sentences, positions):
    """`for` when the sentence holds its position's word, `against` when it says 'not' the word."""
    out = []
    for s, p in zip(sentences, positions):
        word = p.split()[-1]
        z = np.array([-3.0, -3.0, 0.0])
        if f"not {word}" in s:
            z[AGAINST] = 2.0
        elif word in s:
            z[FOR] = 2.0
        out.append(z - np.log(np.exp(z).sum()))
    return np.array(out)


def test_each_sentence_is_paired_with_every_position():
    labels = _labels()
    sentences, positions, target = debate_pairs(["a", "b", "c"], np.array([1, 3, 0]), labels)
    assert position_texts(labels) == ["position sell", "position brand", "position plan"]
    assert sentences == ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert positions == position_texts(labels) * 3
    # for its own position, neither the others; a neutral sentence is neither against all
    assert target.tolist() == [NEITHER, FOR, NEITHER, NEITHER, NEITHER, NEITHER, FOR, NEITHER, NEITHER]


def test_pair_log_proba_has_one_row_per_sentence_and_position():
    labels = _labels()
    logp = pair_log_proba(_fake_scorer, ["we sell", "a plan"], labels)
    assert logp.shape == (2, 3, 3)
    assert logp[0].argmax(axis=1).tolist() == [FOR, NEITHER, NEITHER]
    assert logp[1].argmax(axis=1).tolist() == [NEITHER, NEITHER, FOR]
    assert pair_log_proba(_fake_scorer, [], labels).shape == (0, 3, 3)


def _data() -> StanceData:
    texts = {"pro-a": "we sell", "pro-b": "a brand", "pro-c": "the plan", "neutral": "hello there"}
    rows = [{"id": f"r{i}", "text": f"{texts[s]} {i}", "stance": s, "is_claim": int(s != "neutral"),
             "pair": "", "file": "t.csv", "line": i + 2} for i, s in enumerate(list(texts) * 40)]
    debate = pd.DataFrame(rows)
    seeds = pd.DataFrame({"text": ["we sell", "a brand", "hello"], "is_claim": [1, 1, 1],
                          "gold_stance": ["pro-a", "pro-b", "neutral"], "confidence": ["high", "low", "high"],
                          "annotation_line": [2, 3, 4]})
    bench = pd.DataFrame({"text": ["sell", "not sell", "other"], "position": ["p sell"] * 3,
                          "relation": ["for", "against", "neither"], "group": ["g"] * 3})
    return StanceData(pairs=bench, debate=debate, held_out=debate.iloc[:20].reset_index(drop=True),
                      seeds=seeds, benchmarks={"toy_test": bench})


def test_decision_fitted_on_calibration_rows_scores_every_set():
    metrics = score_pair_model(_fake_scorer, _data(), _labels(), calibration_share=0.5)
    assert metrics["debate_calibration_part"]["all"]["macro_f1"] == pytest.approx(1.0)
    assert metrics["debate_held_out"]["all"]["macro_f1"] == pytest.approx(1.0)
    assert metrics["debate_held_out"]["claims"]["n"] == 15
    assert metrics["seeds"]["high"]["n"] == 2 and metrics["seeds"]["all"]["macro_f1"] == pytest.approx(1.0)
    # only the for and against rows of a test split are scored
    assert metrics["toy_test"]["n"] == 2 and metrics["toy_test"]["macro_f1"] == pytest.approx(1.0)
    assert len(metrics["decision_weights"]) == 4


def test_for_against_scores_by_hand():
    logp = np.log(np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1]]))
    out = for_against_scores(logp, ["for", "against", "against"])
    assert out["confusion"]["rows_actual_cols_predicted"] == [[1, 0], [1, 1]]
    assert out["accuracy"] == pytest.approx(2 / 3, abs=1e-4)


def test_schedule_warms_up_then_decays_to_zero():
    factors = [schedule(s, 10, 0.2) for s in range(10)]
    assert factors[:2] == [0.5, 1.0]
    assert factors[-1] == pytest.approx(0.125) and all(a >= b for a, b in zip(factors[1:], factors[2:]))


def _result() -> dict:
    bi = {"debate_held_out": {"all": {"macro_f1": 0.78}, "claims": {"macro_f1": 0.74}},
          "seeds": {"high": {"macro_f1": 0.5}, "all": {"macro_f1": 0.44}}}
    cross = {"debate_held_out": {"all": {"macro_f1": 0.81}, "claims": {"macro_f1": 0.745}},
             "seeds": {"high": {"macro_f1": 0.4}, "all": {"macro_f1": 0.45}}}
    rows = comparison_rows(bi, cross)

    class Cfg:
        epochs, batch_size, hidden, dropout, public_pairs_per_epoch, public_weight = 4, 32, 256, 0.1, 1500, 0.5

    from benchmarks.stance_models import config_dict

    return {"rows": rows, "verdict_text": verdict(rows),
            "bi_encoder": {"sentences_per_second": 100.0,
                           "training": bi_encoder_training(Cfg, 100, {"steps": 2, "seconds": 10.0, "cpu_seconds": 16.0})},
            "cross_encoder": {"config": config_dict(CrossConfig(), Cfg), "sentences_per_second": 20.0,
                              "training": {"steps": 12, "seconds": 90.0, "cpu_seconds": 120.0, "debate_rows": 100,
                                           "public_pairs_per_step": 375}}}


def test_comparison_rows_and_verdict():
    result = _result()
    rows = {r["set"]: r for r in result["rows"]}
    assert rows["held-out, all"]["difference"] == pytest.approx(0.03)
    assert rows["ArgKP-2021 test (for vs against)"]["bi_encoder"] is None
    text = result["verdict_text"]
    assert "cross-encoder is ahead on held-out, all (+0.030)" in text
    assert "bi-encoder is ahead on seeds, high (-0.100)" in text
    assert "within 0.01 on held-out, claims (+0.005), seeds, all (+0.010)" not in text  # 0.01 is not a tie
    assert "seeds, all (+0.010)" in text


def test_report_holds_the_table_steps_and_verdict():
    result = _result()
    text = models_markdown(result)
    assert "| held-out, all | 0.780 | 0.810 | +0.030 |" in text
    assert "| PERSPECTRUM test (for vs against) | – | – | – |" in text
    # the bi-encoder: 4 epochs of ceil(100 / 32) steps, at 5 s a timed step
    assert "| training steps | 16 | 12 |" in text
    assert "| training seconds (this machine, this run) | 80 | 90 |" in text
    assert "| seconds a step | 5.00 | 7.50 |" in text
    assert "| CPU seconds a step (both threads) | 8.00 | 10.00 |" in text
    assert "**Verdict.**" in text and result["verdict_text"] in text
