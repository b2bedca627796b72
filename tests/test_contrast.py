"""The affirmed part of "X, not Y" sentences, and the stance reading that uses it."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.contrast import affirmed_part
from pipeline.stance import LabelSpace, PairHead, StanceModel, position_vectors, read_own_words


@pytest.mark.parametrize("text, part", [
    ("It isn't a pricing problem, it's a trust problem with the buyers.", "it's a trust problem with the buyers."),
    ("The bakery doesn't need a new logo; it needs the owner at every farmers market.",
     "it needs the owner at every farmers market."),
    ("Our churn was never about onboarding — it was about picking the wrong customers.",
     "it was about picking the wrong customers."),
    ("The answer is not another webinar but a phone call to each of them.", "a phone call to each of them."),
    ("Growth here is less about ads and more about who you choose to serve.", "who you choose to serve."),
    ("The first contracts come from the founder in the room, not from a campaign.",
     "The first contracts come from the founder in the room"),
    ("Spend the money on three more sales trips rather than a rebrand.", "Spend the money on three more sales trips"),
    ("Write to your past buyers instead of cold prospects.", "Write to your past buyers"),
])
def test_the_affirmed_part_is_found(text, part):
    assert affirmed_part(text) == part


@pytest.mark.parametrize("text", [
    "Marketing matters from day one.",
    "This is not only a sales task but also a marketing one.",  # additive, nothing rejected
    "We should hire a marketer, but not yet.",
    "It isn't cheap, it's fine.",  # the affirmed part too short to read alone
    "Not now.",
    "",
])
def test_other_sentences_have_none(text):
    assert affirmed_part(text) is None


def test_the_reading_mixes_the_whole_and_the_affirmed_part(params, fake_embedder):
    labels = LabelSpace.from_params(params.stance)
    rng = np.random.default_rng(0)
    dim = fake_embedder.encode(["x"]).shape[1]
    head = PairHead(rng.normal(size=(4 * dim, 8)).astype(np.float32), np.zeros(8, np.float32),
                    rng.normal(size=(8, 3)).astype(np.float32), np.zeros(3, np.float32))
    model = StanceModel(labels, head, np.array([1.0, 0.2, 0.1, -0.5]), "test-base")
    positions = position_vectors(labels, fake_embedder)
    texts = ["Marketing matters from day one.", "It isn't a brand problem, it's a problem of who you sell to."]

    def read(weight, these=texts):
        return read_own_words(these, model=model, embedder=fake_embedder, positions=positions, labels=labels,
                              affirmed_weight=weight)

    whole, part = read(0.0), read(0.0, [texts[0], affirmed_part(texts[1])])
    np.testing.assert_allclose(read(1.0), part, atol=1e-6)
    np.testing.assert_allclose(read(0.5), 0.5 * whole + 0.5 * part, atol=1e-6)
    np.testing.assert_allclose(read(0.5)[0], whole[0], atol=1e-6)  # a sentence without a contrast is read whole
    np.testing.assert_allclose(read(0.5).sum(axis=1), 1.0, rtol=1e-6)


def test_a_weight_outside_zero_to_one_names_its_key(raw_params):
    from pipeline.params import parse_params

    raw_params["stance"]["affirmed_weight"] = 1.5
    with pytest.raises(Exception, match="affirmed_weight"):
        parse_params(raw_params)
