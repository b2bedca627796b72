"""Reply, support and attack edges from a hand-built thread."""

from pipeline.relate import cue_balance, relate


def test_cues():
    assert cue_balance("Thanks for the great article, I totally agree.")[0] > 0
    assert cue_balance("It's unfortunate that you do not understand marketing.")[0] < 0
    assert cue_balance("I don't agree with this.")[0] < 0
    assert cue_balance("Marketing brings buyers.")[0] == 0


def test_document_and_claim_edges(tiny_thread, params):
    documents, claims, embeddings = tiny_thread
    edges = relate(claims, documents, embeddings, params.relate.model_copy(update={"min_similarity": -1.0}),
                   params.stance.label_names, params.stance.neutral_label)
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
