"""The map's assembly: key points described, positions filled, JSON valid against its schema."""

import json

import pandas as pd
import pytest

from pipeline.argmap import MapSchemaError, class_tfidf_keywords, validate_argmap


def test_merge_keeps_every_sentence(tiny_map):
    sentences, _, _ = tiny_map
    assert len(sentences) == 4
    non_claim = sentences[~sentences["is_claim"]].iloc[0]
    assert pd.isna(non_claim["stance"]) and pd.isna(non_claim["cluster_id"])


def test_clusters_described(tiny_map):
    sentences, clusters, _ = tiny_map
    kp = clusters[clusters["cluster_id"] == 0].iloc[0]
    assert kp["size"] == 2 and kp["dominant_stance"] == "pro-marketing"
    assert json.loads(kp["stance_shares"])["pro-marketing"] == 1.0
    # The label is a span of one member claim, its final full stop left out, and says where it lies.
    assert kp["label"] in {"marketing is what brings the buyers in", "buyers must find you through marketing"}
    member = sentences[sentences["sentence_id"] == kp["representative_sentence_id"]].iloc[0]
    offset = kp["label_start_char"] - member["start_char"]
    assert member["text"][offset:offset + kp["label_end_char"] - kp["label_start_char"]] == kp["label"]
    assert kp["n_people"] == 2 and 0 < kp["label_score"] <= 2
    assert json.loads(kp["authors"]) == ["Ann", "Bo"]
    assert "buyers" in json.loads(kp["keywords"])
    noise = clusters[clusters["cluster_id"] == -1].iloc[0]
    assert noise["size"] == 1 and pd.isna(noise["representative_sentence_id"])


def test_map_is_valid_and_traceable(tiny_map):
    _, _, doc = tiny_map
    validate_argmap(doc)
    positions = {p["stance"]: p for p in doc["positions"]}
    assert list(positions) == ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]
    assert positions["pro-marketing"]["key_points"][0]["size"] == 2
    assert positions["pro-sales"]["unclustered_claim_ids"] == ["c/a.txt#article:s0"]
    assert doc["summary"]["claims"] == 3 and doc["summary"]["noise_claims"] == 1
    claim = next(c for c in doc["claims"] if c["id"] == "c/a.txt#c1:s0")
    assert (claim["doc_id"], claim["start_char"], claim["end_char"]) == ("c/a.txt#c1", 61, 100)


def test_schema_rejects_a_broken_map(tiny_map):
    _, _, doc = tiny_map
    broken = json.loads(json.dumps(doc))
    broken["relations"][0]["relation"] = "likes"
    broken["claims"][0]["start_char"] = "7"
    with pytest.raises(MapSchemaError, match=r"at relations/0/relation: .*likes.*") as err:
        validate_argmap(broken)
    assert "at claims/0/start_char" in str(err.value)


def test_class_tfidf_prefers_distinctive_terms():
    kw = class_tfidf_keywords({0: ["sales", "deal", "deal", "market"], 1: ["brand", "story", "market"]}, 2)
    assert kw[0][0] == "deal" and "market" not in kw[1][:2]


# ----------------------------------------------------------------------------- key point labels


def _unit(rows):
    import numpy as np

    m = np.asarray(rows, dtype=float)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_label_problems_name_what_does_not_read_alone():
    from pipeline.argmap import label_problems

    assert label_problems("Sales calls teach founders what buyers want") == []
    assert "dangling reference" in label_problems("This is why sales matter most")
    assert "question" in label_problems("Why would anyone buy ads first?")
    assert "too short" in label_problems("Sales")
    assert "too long" in label_problems(" ".join(["word"] * 16))
    assert "heading" in label_problems("The Difference between Strategy and Marketing", "heading")
    assert "unfinished" in label_problems("marketing can then do what they")
    assert "unbalanced" in label_problems("marketers (from the old school")
    assert "fragment" in label_problems("in the same context as before", clause=True)
    assert "fragment" not in label_problems("In B2B markets sales wins deals")


def test_label_candidates_keep_lists_whole_and_offsets_exact():
    from pipeline.argmap import label_candidates

    text = "In fact, founders confuse marketing, sales and strategy; that costs them."
    spans = label_candidates([text])
    texts = {s.text for s in spans}
    assert "founders confuse marketing, sales and strategy" in texts
    assert all(text[s.start:s.end] == s.text for s in spans)  # one line: the span is the words as written
    assert not any(t.endswith("marketing") for t in texts)  # the comma inside the list is no break


def test_choose_label_picks_a_short_central_self_contained_span():
    from pipeline.argmap import LABEL_MAX_WORDS, choose_label, label_words

    texts = [
        "The most important thing to know is counterintuitive: talking to customers beats advertising early on.",
        "This is why talking to customers beats advertising.",
        "Talking to customers beats advertising for a young company, and it costs almost nothing at all.",
    ]
    span, score = choose_label(texts, _unit([[1, 0.1], [1, 0], [1, -0.1]]))
    assert span.text.lower().startswith("talking to customers beats advertising")
    assert len(label_words(span.text)) <= LABEL_MAX_WORDS and score > 0
    assert texts[span.index][span.start:span.end] == span.text
    assert choose_label(texts, _unit([[1, 0.1], [1, 0], [1, -0.1]])) == (span, score)


def test_choose_label_cuts_an_unbreakable_long_claim_on_a_finished_word():
    from pipeline.argmap import LABEL_MAX_WORDS, UNFINISHED_ENDS, choose_label, label_words

    long = ("Developing the right strategy is an exercise in getting away from solutions and understanding what "
            "job a group of customers is trying to get done")
    span, _ = choose_label([long, long + " today"], _unit([[1, 0], [1, 0.1]]))
    words = label_words(span.text)
    assert len(words) <= LABEL_MAX_WORDS and words[-1] not in UNFINISHED_ENDS
    assert long.startswith(span.text)
