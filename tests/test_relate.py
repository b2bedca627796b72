"""Reply, support and attack edges from a hand-built thread."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd

from pipeline.people import top_label
from pipeline.relate import (
    cue_balance,
    dominant_stances,
    polarity_conflict,
    relate,
    term_polarity,
)
from pipeline.stance import LabelSpace


def test_cues():
    assert cue_balance("Thanks for the great article, I totally agree.")[0] > 0
    assert cue_balance("It's unfortunate that you do not understand marketing.")[0] < 0
    assert cue_balance("I don't agree with this.")[0] < 0
    assert cue_balance("Marketing brings buyers.")[0] == 0
    assert cue_balance("Totally agree. We hired sales reps too early.")[0] > 0
    assert cue_balance("Bo Park • 2 years ago\nAgreed! Research first.")[0] > 0
    assert cue_balance("Couldn't agree more.")[0] > 0
    assert cue_balance("I can't totally agree with this.")[0] < 0
    assert cue_balance("Disagree. Every dollar should go to customers.")[0] < 0


def test_document_and_claim_edges(tiny_thread, params):
    documents, claims, embeddings = tiny_thread
    edges = relate(claims, documents, embeddings, params.relate.model_copy(update={"min_similarity": -1.0}),
                   LabelSpace.from_params(params.stance))
    doc = edges[edges["level"] == "document"]
    replies = doc[doc["relation"] == "reply"]
    assert set(zip(replies["source_id"], replies["target_id"])) == {
        ("c/a.txt#c1", "c/a.txt#article"), ("c/a.txt#c2", "c/a.txt#c1")}
    rel = {(r.source_id, r.relation) for r in doc.itertuples() if r.relation != "reply"}
    # c1 argues marketing against a pro-sales article: attack by stance; c2 says it agrees.
    assert ("c/a.txt#c1", "attack") in rel
    assert ("c/a.txt#c2", "support") in rel
    assert doc["reason"].str.len().gt(0).all()
    claim = edges[edges["level"] == "claim"]
    assert set(claim["relation"]) <= {"support", "attack"}
    c1 = claim[claim["source_id"] == "c/a.txt#c1:s0"]
    assert c1["relation"].tolist() == ["attack"] and "pro-marketing against pro-sales" in c1["reason"].iloc[0]
    assert edges["score"].between(0, 1).all()


TERMS = {"pro-sales": ["sales", "sell"], "pro-marketing": ["marketing", "brand"], "neutral": []}


def test_term_polarity_reads_negation_before_a_term():
    assert term_polarity("Why Startups Need to Focus on Sales, Not Marketing", TERMS) == {
        "pro-sales": 1, "pro-marketing": -1}
    assert term_polarity("You shouldn't sell yet; build the brand.", TERMS) == {
        "pro-sales": -1, "pro-marketing": 1}
    assert term_polarity("Nothing about either topic.", TERMS) == {}
    assert polarity_conflict({"pro-marketing": 2}, {"pro-sales": 1, "pro-marketing": -1}) == ["pro-marketing"]
    assert polarity_conflict({"pro-sales": 1}, {"pro-sales": 1, "pro-marketing": -1}) == []


def test_polarity_conflict_with_the_title_makes_an_attack(tiny_thread, params):
    """No agreement words and no stance difference: the title's 'not marketing' decides."""
    documents, claims, embeddings = tiny_thread
    documents = documents.copy()
    documents.loc[0, "title"] = "Sell First, Not Marketing"
    claims = claims.copy()
    claims["stance"] = "pro-sales"  # the tagger got the comment wrong: stance alone says support
    claims["stance_probs"] = json.dumps(
        {"pro-sales": 0.7, "pro-marketing": 0.1, "pro-strategy": 0.1, "neutral": 0.1})
    space = LabelSpace.from_params(params.stance)
    without = relate(claims, documents, embeddings, params.relate, replace(space, terms=[[] for _ in space.names]))
    with_terms = relate(claims, documents, embeddings, params.relate,
                        replace(space, terms=[TERMS.get(name, []) for name in space.names]))

    def c1(edges):
        doc = edges[(edges["level"] == "document") & (edges["source_id"] == "c/a.txt#c1")]
        return doc[doc["relation"] != "reply"].iloc[0]

    assert c1(without)["relation"] == "support"
    edge = c1(with_terms)
    assert edge["relation"] == "attack"
    assert "affirm the pro-marketing terms" in edge["reason"] and "Sell First, Not Marketing" in edge["reason"]


def test_dominant_stances_match_one_key_point_at_a_time():
    labels = ["pro", "con", "neutral"]
    rng = np.random.default_rng(0)
    random = pd.DataFrame({"cluster_id": rng.integers(-1, 40, 600),
                           "stance": rng.choice(["con", "pro", "neutral", "other"], 600)})
    tie = pd.DataFrame({"cluster_id": [50, 50, 50, 50], "stance": ["con", "pro", "pro", "con"]})
    unlisted = pd.DataFrame({"cluster_id": [51], "stance": ["other"]})  # no listed label: the first one
    claims = pd.concat([random, tie, unlisted], ignore_index=True)
    expected = {int(c): top_label(g["stance"].value_counts(), labels)
                for c, g in claims[claims["cluster_id"] != -1].groupby("cluster_id", sort=True)}
    assert dominant_stances(claims, labels) == expected
    assert expected[50] == "pro" and expected[51] == "pro"
    assert dominant_stances(claims[claims["cluster_id"] == -1], labels) == {}
