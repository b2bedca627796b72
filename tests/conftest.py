"""Shared fixtures: a deterministic fake embedder and small hand-built tables."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from pipeline.argmap import build_argmap, describe_clusters, merge_sentences
from pipeline.relate import relate
from pipeline.runtime.env import apply_env_defaults
from pipeline.stance import LabelSpace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory) -> Path:
    """The project's folder after one real cold `dvc repro` on the seed corpus, in a copy of the
    project (see tests/project_copy.py): every slow test that reads the seed run's outputs reads
    these, so `pytest` needs no pipeline run in the working tree. Shared: a test that changes a
    project works in its own copy (project_copy.copy_run)."""
    from project_copy import copy_project, run

    root = copy_project(tmp_path_factory.mktemp("seed") / "project")
    run(["dvc", "repro"], root)
    return root


@pytest.fixture(scope="session")
def other_corpora_run(tmp_path_factory) -> Path:
    """One real `dvc repro` over every non-seed fixture corpus (see tests/project_copy.py): the
    JSONL and HTML samples, the five structured exports and the hostile corpora."""
    from corpus_helpers import HOSTILE_CORPORA, make_hostile
    from project_copy import EXPORT_CORPORA, FORMAT_CORPORA, copy_project, run

    root = copy_project(tmp_path_factory.mktemp("formats") / "project",
                        [*FORMAT_CORPORA, *EXPORT_CORPORA, *HOSTILE_CORPORA],
                        add_corpora=lambda folder: make_hostile(folder, for_dvc=True))
    run(["dvc", "repro"], root)
    return root


def pytest_configure(config):
    # The environment `argmap` gives its stages (pipeline/runtime/env.py), for the worker and Dask
    # processes the tests start; importing the package no longer sets it.
    apply_env_defaults()


class HashingEmbedder:
    """Bag-of-words hashed into a unit vector: similar wording -> similar vectors, no model needed."""

    name = "hashing-test-embedder"

    def __init__(self, dim: int = 64):
        self.dim = dim

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int(hashlib.md5(word.strip(".,!?").encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0 if (h >> 64) % 2 else -1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def raw_params() -> dict:
    return yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def params(raw_params):
    from pipeline.params import parse_params

    return parse_params(raw_params)


def outputs_snapshot() -> dict[Path, int]:
    """Modification times of every file under the project's work/ and outputs/: equal before and after a
    benchmark that must write nothing in the project."""
    return {p: p.stat().st_mtime_ns for d in ("work", "outputs") for p in (ROOT / d).glob("**/*") if p.is_file()}


def stance_probs(label: str, labels=("pro-sales", "pro-marketing", "pro-strategy", "neutral"), p=0.7):
    rest = (1 - p) / (len(labels) - 1)
    return json.dumps({x: (p if x == label else rest) for x in labels}, sort_keys=True)


@pytest.fixture
def tiny_thread(fake_embedder):
    """An article and two comments: one attacks it, one answers the first comment and agrees."""
    documents = pd.DataFrame(
        [
            dict(doc_id="c/a.txt#article", corpus="c", source="a.txt", kind="article", comment_n=None,
                 parent_doc_id=None, title="Sell first", author="Ann", addressed_to=None,
                 start_char=0, end_char=60, text="Startups should sell before they market anything."),
            dict(doc_id="c/a.txt#c1", corpus="c", source="a.txt", kind="comment", comment_n=1,
                 parent_doc_id="c/a.txt#article", title=None, author="Bo", addressed_to="Ann",
                 start_char=61, end_char=120, text="Ann, marketing is what brings the buyers in."),
            dict(doc_id="c/a.txt#c2", corpus="c", source="a.txt", kind="comment", comment_n=2,
                 parent_doc_id="c/a.txt#c1", title=None, author="Ann", addressed_to="Bo",
                 start_char=121, end_char=180, text="Bo, I totally agree that buyers must find you."),
        ]
    )
    claims = pd.DataFrame(
        [
            dict(sentence_id="c/a.txt#article:s0", doc_id="c/a.txt#article",
                 text="Startups should sell before they market anything.", stance="pro-sales"),
            dict(sentence_id="c/a.txt#c1:s0", doc_id="c/a.txt#c1",
                 text="marketing is what brings the buyers in.", stance="pro-marketing"),
            dict(sentence_id="c/a.txt#c2:s0", doc_id="c/a.txt#c2",
                 text="buyers must find you through marketing.", stance="pro-marketing"),
        ]
    )
    claims["stance_score"] = 0.7
    claims["stance_probs"] = [stance_probs(s) for s in claims["stance"]]
    vectors = fake_embedder.encode(claims["text"].tolist())
    embeddings = pd.DataFrame({"sentence_id": claims["sentence_id"], "embedding": list(vectors)})
    return documents, claims, embeddings


def _simple_lemmas(texts):
    return [[w.strip(".,").lower() for w in t.split() if len(w) > 3] for t in texts]


@pytest.fixture
def label_parser(params):
    """The labels' grammar check as the argmap stage runs it (its spaCy pipeline), without the parse cache."""
    from pipeline.argmap import spacy_parser
    from pipeline.models import load_spacy
    from pipeline.parses import PARSE_DISABLE

    return spacy_parser(load_spacy(params.sentences.spacy_model, PARSE_DISABLE))


@pytest.fixture
def tiny_map(tiny_thread, params, label_parser):
    documents, claims, embeddings = tiny_thread
    scored = claims[["sentence_id", "doc_id", "text"]].copy()
    scored["corpus"], scored["source"], scored["role"] = "c", "a.txt", "body"
    scored["start_char"], scored["end_char"] = [0, 61, 121], [49, 100, 160]
    scored["is_claim"], scored["claim_score"] = True, 0.9
    extra = scored.iloc[[0]].assign(sentence_id="c/a.txt#article:s1", is_claim=False, claim_score=0.1,
                                    text="Share on LinkedIn", role="boilerplate")
    scored = pd.concat([scored, extra], ignore_index=True)
    stances = claims[["sentence_id", "stance", "stance_score", "stance_probs"]].assign(stance_own=claims["stance"])
    assignments = pd.DataFrame({"sentence_id": claims["sentence_id"], "cluster_id": [-1, 0, 0],
                                "membership_score": [0.0, 1.0, 1.0], "reassigned": False})
    sentences = merge_sentences(scored, stances, assignments)
    label_space = LabelSpace.from_params(params.stance)
    clusters = describe_clusters(sentences, documents, embeddings, label_space, lemmatize=_simple_lemmas,
                                 n_keywords=3, parse=label_parser)
    edges = relate(claims, documents, embeddings, params.relate.model_copy(update={"min_similarity": -1.0}),
                   label_space)
    doc = build_argmap(sentences, documents, clusters, edges, label_space, {"corpora": ["c"], "top_claims": 2})
    return sentences, clusters, doc


@pytest.fixture
def argkp_root(tmp_path: Path) -> Path:
    """A tiny ArgKP-2021 folder (dev split): one argument matches two key points, one matches none."""
    root = tmp_path / "argkp"
    (root / "kpm_data").mkdir(parents=True)
    (root / "kpm_data/arguments_dev.csv").write_text(
        "arg_id,argument,topic,stance\n"
        "a1,Uniforms save money,School uniform,1\n"
        'a2,"Uniforms are cheap, parents say",School uniform,1\n'
        "a3,Uniforms limit expression,School uniform,-1\n"
        "a4,Matches two key points,School uniform,1\n"
        "a5,Matches nothing,School uniform,1\n",
        encoding="utf-8",
    )
    (root / "kpm_data/labels_dev.csv").write_text(
        "arg_id,key_point_id,label\n"
        "a1,kp1,1\na1,kp2,0\na2,kp1,1\na3,kp3,1\na4,kp1,1\na4,kp2,1\na5,kp1,0\n",
        encoding="utf-8",
    )
    return root
