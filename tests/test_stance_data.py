"""Stance training data: public pairs built from the datasets, the debate set read strictly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import AnnotationError
from pipeline.stance_data import (
    DEBATE_COLUMNS,
    RELATIONS,
    argkp_items,
    argkp_pairs,
    debate_frame,
    perspectrum_pairs,
    read_debate_set,
    read_pairs,
)

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]


def _argkp_copy(folder: Path) -> Path:
    (folder / "kpm_data").mkdir(parents=True)
    pd.DataFrame({"arg_id": ["a1", "a2"], "argument": ["Cars pollute the air.", "People need cars for work."],
                  "topic": ["Cities should ban cars"] * 2, "stance": [1, -1]}
                 ).to_csv(folder / "kpm_data" / "arguments_train.csv", index=False)
    pd.DataFrame({"key_point_id": ["k1", "k2"], "key_point": ["Cars harm health", "Cars are polluting"],
                  "topic": ["Cities should ban cars"] * 2, "stance": [1, 1]}
                 ).to_csv(folder / "kpm_data" / "key_points_train.csv", index=False)
    pd.DataFrame({"arg_id": ["a1", "a1"], "key_point_id": ["k1", "k2"], "label": [0, 1]}
                 ).to_csv(folder / "kpm_data" / "labels_train.csv", index=False)
    return folder


def test_argkp_pairs_read_motion_and_key_points(tmp_path):
    pairs = argkp_pairs(_argkp_copy(tmp_path), "train")
    rows = {(r.text, r.position): r.relation for r in pairs.itertuples()}
    assert rows[("Cars pollute the air.", "Cities should ban cars")] == "for"
    assert rows[("People need cars for work.", "Cities should ban cars")] == "against"
    assert rows[("Cars pollute the air.", "Cars are polluting")] == "for"  # the key point it matches
    assert rows[("Cars pollute the air.", "Cars harm health")] == "neither"  # its side's, not matched
    motion_only = argkp_pairs(tmp_path, "train", key_points=False)
    assert set(motion_only["position"]) == {"Cities should ban cars"}


def test_argkp_items_keeps_arguments_with_exactly_one_key_point(argkp_root):
    items = argkp_items(argkp_root, "dev")
    assert items["item_id"].tolist() == ["a1", "a2", "a3"]
    assert items["gold"].tolist() == ["kp1", "kp1", "kp3"]
    assert items["group"].tolist() == ["School uniform | pro"] * 2 + ["School uniform | con"]
    assert items.loc[1, "text"] == "Uniforms are cheap, parents say"


def test_argkp_items_names_missing_file_and_bad_split(argkp_root):
    from pipeline.io import InputError

    with pytest.raises(InputError, match="arguments_test.csv: ArgKP-2021 file not found"):
        argkp_items(argkp_root, "test")
    with pytest.raises(InputError, match="split 'val' unknown"):
        argkp_items(argkp_root, "val")


def test_perspectrum_pairs_read_support_and_undermine(tmp_path):
    claims = [{"cId": 1, "text": "Ban cars", "perspectives": [
        {"pids": [10, 11], "stance_label_3": "SUPPORT"}, {"pids": [12], "stance_label_3": "UNDERMINE"}]},
        {"cId": 2, "text": "Abolish homework", "perspectives": [{"pids": [13], "stance_label_3": "SUPPORT"}]}]
    (tmp_path / "perspectrum_with_answers_v1.0.json").write_text(json.dumps(claims))
    (tmp_path / "dataset_split_v1.0.json").write_text(json.dumps({"1": "train", "2": "train"}))
    pool = [{"pId": i, "text": f"perspective {i}"} for i in (10, 11, 12, 13)]
    (tmp_path / "perspective_pool_v1.0.json").write_text(json.dumps(pool))
    pairs = perspectrum_pairs(tmp_path, "train")
    rel = {(r.text, r.position): r.relation for r in pairs.itertuples()}
    assert rel[("perspective 10", "Ban cars")] == rel[("perspective 11", "Ban cars")] == "for"
    assert rel[("perspective 12", "Ban cars")] == "against"
    assert rel[("perspective 10", "Abolish homework")] == "neither"
    assert perspectrum_pairs(tmp_path, "test").empty


def test_a_missing_dataset_file_says_which(tmp_path):
    from pipeline.io import InputError

    with pytest.raises(InputError, match="arguments_train.csv: ArgKP-2021 file not found"):
        argkp_pairs(tmp_path, "train")


def test_a_bad_relation_names_its_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("text,position,relation,group\nA,B,for,g\nA,B,supports,g\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"p.csv:3: relation 'supports' is not one of"):
        read_pairs(path)


def _debate_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "d.csv"
    pd.DataFrame(rows, columns=list(DEBATE_COLUMNS)).to_csv(path, index=False)
    return path


def test_debate_set_errors_name_file_line_and_what_is_allowed(tmp_path):
    good = ["x1", "forum", "Go sell.", "1", "pro-sales", "imperative", "", ""]
    cases = [
        ([good, ["x2", "forum", "Hi", "1", "pro-sails", "none", "", ""]], r"d.csv:3: stance 'pro-sails' is not a label"),
        ([good, ["x2", "forum", "Hi", "yes", "neutral", "none", "", ""]], r"d.csv:3: is_claim must be 0 or 1"),
        ([good, ["x2", "tv", "Hi", "0", "neutral", "none", "", ""]], r"d.csv:3: register 'tv' is not one of"),
        ([good, good], r"id 'x1' appears more than once"),
    ]
    for rows, message in cases:
        with pytest.raises(AnnotationError, match=message):
            read_debate_set([_debate_file(tmp_path, rows)], LABELS)


def test_the_against_column_is_optional_and_read_strictly(tmp_path):
    cols = [*DEBATE_COLUMNS, "against"]
    rows = [["x1", "forum", "Skip the brand deck and call ten buyers.", "1", "pro-sales", "against", "", "",
             "pro-marketing"],
            ["x2", "forum", "Call ten buyers.", "1", "pro-sales", "imperative", "", "", ""]]
    path = tmp_path / "a.csv"
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)
    assert read_debate_set([path], LABELS)["against"].tolist() == ["pro-marketing", ""]
    assert read_debate_set([_debate_file(tmp_path, [rows[1][:8]])], LABELS)["against"].tolist() == [""]
    for against, message in [("pro-brand", r"a.csv:2: against 'pro-brand' is not a label"),
                              ("pro-sales", r"a.csv:2: a row cannot argue against its own stance 'pro-sales'"),
                              ("pro-marketing;pro-marketing", r"a.csv:2: against lists a label twice")]:
        pd.DataFrame([[*rows[0][:8], against]], columns=cols).to_csv(path, index=False)
        with pytest.raises(AnnotationError, match=message):
            read_debate_set([path], LABELS)


def test_debate_rows_become_sentence_rows(tmp_path):
    rows = [["x1", "reply", "Go sell.", "1", "pro-sales", "none", "", ""],
            ["x2", "headline", "Why brand matters", "1", "pro-marketing", "none", "", ""]]
    frame = debate_frame(read_debate_set([_debate_file(tmp_path, rows)], LABELS))
    assert frame["kind"].tolist() == ["comment", "article"]
    assert frame["role"].tolist() == ["body", "heading"]
    assert frame["is_claim"].tolist() == [1, 1]


def test_passage_rows_become_sentence_rows_with_their_page_roles(tmp_path):
    from pipeline.stance_data import PASSAGE_COLUMNS, passage_frame, read_passages

    rows = [["p1", "forum", 0, 0, "title", "Sell first", 1, "pro-sales", "none", ""],
            ["p1", "forum", 1, 1, "comment", "We tried ads.", 0, "neutral", "narration", ""],
            ["p2", "blog", 0, 0, "body", "Talk to buyers.", 1, "pro-sales", "none", ""]]
    path = tmp_path / "passages.csv"
    pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS)).to_csv(path, index=False)
    frame = passage_frame(read_passages([path], LABELS))
    assert frame["role"].tolist() == ["title", "comment", "body"]
    assert frame["kind"].tolist() == ["article", "comment", "article"]
    assert frame["is_claim"].tolist() == [1, 0, 1]
    assert frame["doc_id"].nunique() == 2 and frame["sentence_id"].is_unique
    assert set(frame["source"]) == {"passage/passages.csv"}


def test_passage_rows_join_the_pair_models_debate_rows_read_alone(tmp_path):
    from pipeline.stance_data import PASSAGE_COLUMNS, passage_debate_rows, read_passages

    rows = [["p1", "listicle", 0, 0, "heading", "Sell first", 1, "pro-sales", "headline", ""],
            ["p1", "listicle", 1, 1, "list_item", "Not yet.", 1, "pro-sales", "context", "from the heading"],
            ["p1", "listicle", 2, 2, "body", "Brand compounds.", 1, "pro-marketing", "none", ""],
            ["p2", "linkedin", 0, 0, "body", "We tried ads.", 0, "neutral", "narration", ""],
            ["p3", "forum", 0, 0, "comment", "Talk to buyers.", 1, "pro-sales", "imperative", ""]]
    path = tmp_path / "passages.csv"
    pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS)).to_csv(path, index=False)
    debate = passage_debate_rows(read_passages([path], LABELS))
    assert debate["id"].tolist() == ["pa-p1-0", "pa-p1-2", "pa-p2-0", "pa-p3-0"]  # "Not yet." needs its heading
    assert debate["register"].tolist() == ["headline", "blog", "social", "reply"]
    assert list(debate.columns) == list(read_debate_set([_debate_file(tmp_path, [])], LABELS).columns)
    assert debate_frame(debate)["kind"].tolist() == ["article", "article", "article", "comment"]


def test_the_pair_model_reads_listed_passages_beside_its_debate_rows(raw_params, tmp_path, monkeypatch):
    from pipeline.params import parse_params
    from pipeline.stance import LabelSpace
    from pipeline.stance_data import PASSAGE_COLUMNS
    from pipeline.train import load_stance_data

    monkeypatch.chdir(ROOT)
    passages = tmp_path / "passages.csv"
    pd.DataFrame([["p1", "blog", 0, 0, "body", "Ship the page only after ten sales calls.", 1, "pro-sales", "none", ""]],
                 columns=list(PASSAGE_COLUMNS)).to_csv(passages, index=False)
    raw = {**raw_params, "train_stance": {**raw_params["train_stance"], "passages": [str(passages)],
                                          "debate": [str(_debate_file(tmp_path, [["d1", "blog", "Sell first.", "1",
                                                                                  "pro-sales", "none", "", ""]]))]}}
    params = parse_params(raw)
    labels = LabelSpace.from_params(params.stance)
    debate = load_stance_data(params, labels).debate
    assert debate["id"].tolist() == ["d1", "pa-p1-0"]
    assert debate["file"].tolist() == ["d.csv", "passages.csv"]

    _debate_file(tmp_path, [["pa-p1-0", "blog", "Sell first.", "1", "pro-sales", "none", "", ""]])
    with pytest.raises(AnnotationError, match="'pa-p1-0' is in the debate set and the passages"):
        load_stance_data(params, labels)


def test_the_claim_detector_never_trains_on_a_held_out_part(params):
    cfg = params.train_claims
    assert cfg.passages == params.train_context.passages
    assert cfg.passages_held_out == params.train_context.held_out
    trained = {*cfg.debate, *cfg.passages}
    assert not trained & {*cfg.held_out, cfg.passages_held_out}


def test_the_shipped_debate_set_is_large_labelled_and_apart_from_its_held_out_parts(params):
    labels = params.stance.label_names
    claims_only = [f for f in params.train_claims.debate if f not in params.train_stance.debate]
    train = read_debate_set([ROOT / f for f in [*params.train_ngrams.debate, *claims_only]], labels)  # every one
    assert set(params.train_stance.debate) <= set(params.train_ngrams.debate)
    assert params.train_claims.debate[:len(params.train_stance.debate)] == params.train_stance.debate
    assert params.train_claims.held_out == params.train_ngrams.held_out
    assert params.train_stance.held_out in params.train_ngrams.held_out
    for path in params.train_ngrams.held_out:
        held = read_debate_set([ROOT / path], labels)
        assert len(train) >= 1500 and len(held) >= 300
        assert set(train["stance"]) == set(labels) == set(held["stance"])
        assert not set(train["text"].str.lower()) & set(held["text"].str.lower())


def test_the_shipped_pairs_use_only_known_relations(params):
    cfg = params.train_stance
    for path in [*cfg.pairs, *cfg.dev.values(), *cfg.benchmarks.values()]:
        pairs = read_pairs(ROOT / path)
        assert len(pairs) > 100 and set(pairs["relation"]) <= set(RELATIONS)


def test_the_selection_and_test_pairs_are_never_trained_on(params):
    cfg = params.train_stance
    trained = pd.concat([read_pairs(ROOT / p) for p in cfg.pairs])
    seen = set(zip(trained["text"], trained["position"]))
    for kind, paths in (("dev", cfg.dev.values()), ("test", cfg.benchmarks.values())):
        for path in paths:
            assert path not in cfg.pairs
            held = read_pairs(ROOT / path)
            repeated = sum(pair in seen for pair in zip(held["text"], held["position"]))
            if kind == "test":
                assert repeated == 0, path
            else:  # PERSPECTRUM's dev split repeats one train claim word for word (31 pairs)
                assert repeated <= 0.02 * len(held), path
            if "argkp" in path:  # ArgKP's dev and test motions are new debates
                assert not set(held["position"]) & set(trained["position"]), path
