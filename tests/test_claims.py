"""Claim detection: cue features, training with LODO metrics, scoring rules, safe model round trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import spacy

from pipeline.claims import (
    FEATURE_NAMES,
    MODES,
    ClaimModel,
    cue_features,
    score_claims,
    train_claim_model,
)

CLAIMS = [
    "Startups should focus on selling before they spend on marketing.",
    "Marketing is the most undervalued function in a young company.",
    "Strategy must come before tactics, or the money is wasted.",
    "Most founders underestimate how hard positioning is.",
    "A brand is worth more than any single deal.",
    "Companies that skip research usually build the wrong product.",
]
NON_CLAIMS = [
    "I wrote this post last year on a plane.",
    "Thanks for reading, Anna.",
    "What do you think?",
    "Click here to subscribe to the newsletter.",
    "We met the client on Tuesday.",
    "Here is the list:",
]


def _rows(n_docs: int = 3) -> pd.DataFrame:
    rows = []
    for d in range(n_docs):
        for i, text in enumerate(CLAIMS + NON_CLAIMS):
            rows.append({
                "sentence_id": f"c/doc{d}.txt:{i}", "doc_id": f"c/doc{d}.txt", "source": f"doc{d}.txt",
                "corpus": "c", "role": "body", "text": text, "norm_text": text, "block_text": text,
                "kind": "article", "is_claim": int(text in CLAIMS),
            })
    rows.append({**rows[0], "sentence_id": "c/doc0.txt:bp", "role": "boilerplate",
                 "text": "Share on LinkedIn", "norm_text": "Share on LinkedIn", "is_claim": 0})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def blank_nlp():
    return spacy.blank("en")


def test_cue_features_shape_and_obvious_cues(blank_nlp):
    texts = ["What do you think?", "Thanks for reading.", "Sales should come first."]
    x = cue_features(texts, ["body"] * 3, ["article"] * 3, blank_nlp)
    assert x.shape == (3, len(FEATURE_NAMES))
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    assert x[0, col["question"]] == 1 and x[1, col["greeting"]] == 1 and x[2, col["modal"]] == 1


def test_train_reports_lodo_metrics_for_every_mode(params, fake_embedder, blank_nlp):
    model, metrics = train_claim_model(_rows(), nlp=blank_nlp, embedder=fake_embedder, params=params)
    assert set(metrics["comparison"]) == set(MODES)
    assert metrics["mode"] == params.train_claims.mode
    for m in metrics["comparison"].values():
        assert 0 <= m["f1"] <= 1 and m["n"] == len(CLAIMS + NON_CLAIMS) * 3  # boilerplate left out
    assert metrics["documents"] == 3
    assert model.card["metrics_lodo"]["f1"] == metrics["f1"]


def test_score_claims_never_marks_boilerplate(params, fake_embedder, blank_nlp):
    model, _ = train_claim_model(_rows(), nlp=blank_nlp, embedder=fake_embedder, params=params)
    frame = _rows(1).drop(columns=["is_claim"])
    frame.loc[frame.index[0], "role"] = "boilerplate"
    out = score_claims(frame, pd.DataFrame(), model=model, nlp=blank_nlp, embedder=fake_embedder,
                       params=params)
    assert out["is_claim"].dtype == bool
    assert out["claim_score"].between(0, 1).all()
    assert not out.loc[out["role"] == "boilerplate", "is_claim"].any()
    assert (out.loc[out["role"] == "boilerplate", "claim_score"] == 0).all()


def test_safe_round_trip_gives_identical_scores(tmp_path, params, fake_embedder, blank_nlp):
    model, _ = train_claim_model(_rows(), nlp=blank_nlp, embedder=fake_embedder, params=params)
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "config.json", "model_card.json", "model_card.md", "weights.npz"]
    np.load(tmp_path / "weights.npz", allow_pickle=False)  # raises if anything needs pickle
    loaded = ClaimModel.load(tmp_path)
    frame = _rows(1)
    kwargs = {"nlp": blank_nlp, "embedder": fake_embedder, "params": params}
    a = score_claims(frame, pd.DataFrame(), model=model, **kwargs)
    b = score_claims(frame, pd.DataFrame(), model=loaded, **kwargs)
    pd.testing.assert_frame_equal(a, b)


def test_load_missing_model_is_a_clear_error(tmp_path):
    from pipeline.io import InputError

    with pytest.raises(InputError, match="argmap train_claims"):
        ClaimModel.load(tmp_path / "nothing")


@pytest.mark.slow
def test_seed_training_with_real_models(tmp_path, params):
    from pipeline.train import run_train_claims

    metrics = run_train_claims(params, model_dir=tmp_path / "claims",
                               metrics_path=tmp_path / "train_claims.json")
    assert metrics["f1"] > 0.8  # all-claim baseline is 0.84 on these rows
    for held_out in ("debate_held_out", "debate_held_out_b", "passages_held_out"):
        assert metrics[held_out]["n"] > 300 and metrics[held_out]["f1"] > 0.8
    card = json.loads((tmp_path / "claims" / "model_card.json").read_text())
    trained_on = card["training_data"]["rows_always_trained_on"]
    assert "passage/passages_a.csv" in trained_on and "debate/train_a.csv" in trained_on
    assert not any("held_out" in name for name in trained_on)
    assert (tmp_path / "claims" / "weights.npz").is_file()
