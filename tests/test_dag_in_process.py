"""Every stage's runner in the registry's order, in-process, on a tiny corpus with fake models: twice,
into two project folders, the same bytes; and the map keeps its contract."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import shutil
from pathlib import Path

import numpy as np
import yaml

from pipeline import paths, runners, schemas, stages
from pipeline.argmap import validate_argmap
from pipeline.io import read_table
from pipeline.params import parse_params
from pipeline.runtime.engine import Models

ROOT = Path(__file__).resolve().parents[1]
CORPUS = "jsonl-sample"  # two short posts with a comment thread


class HashingEmbedder:
    """Bag of words hashed into a unit vector: similar wording, similar vectors; no model."""

    def __init__(self, dim: int = 64):
        self.dim = dim

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int(hashlib.sha256(word.encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0 if (h >> 64) % 2 else -1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


class NearestPositionStance:
    """A stance model that leans to the position whose vector is nearest the claim's."""

    def predict_proba(self, text_vecs, position_vecs, labels):
        logits = np.full((len(text_vecs), len(labels.names)), 0.5)
        logits[:, labels.positions] = 4.0 * (np.asarray(text_vecs) @ np.asarray(position_vecs).T)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def _rules_claim_model():
    """The claim detector's hand-set cue rules: a real model with no fitted part."""
    from pipeline.claims import FEATURE_NAMES, ClaimModel

    return ClaimModel(mode="rules", feature_names=list(FEATURE_NAMES), weights=np.zeros(0), bias=0.0,
                      mean=np.zeros(0), scale=np.ones(0), threshold=0.5, embedding_model="none")


# No trained model is read: hashed vectors for both embedders, the nearest-position stance model.
def _context_layer():
    """A real context layer with fixed weights (the shipped one is fitted on the real model's probabilities)."""
    from pipeline.stance import LabelSpace
    from pipeline.stance_context import SLOTS, WEIGHTS, ContextLayer

    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    labels = LabelSpace.from_params(parse_params(raw).stance)
    return ContextLayer(np.full((len(SLOTS), len(WEIGHTS)), 0.5), list(labels.names), labels.neutral, short_words=6)


def _ngram_layer():
    """A real n-gram layer with fixed weights: each position's first term raises it."""
    from pipeline.stance import LabelSpace
    from pipeline.stance_ngrams import NgramLayer

    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    labels = LabelSpace.from_params(parse_params(raw).stance)
    vocabulary = sorted({labels.terms[k][0] for k in labels.positions})
    coef = np.array([[float(term == labels.terms[k][0]) for term in vocabulary] for k in labels.positions])
    return NgramLayer(vocabulary, np.ones(len(vocabulary)), coef, np.zeros(len(coef)), 1.0, list(labels.names),
                      labels.neutral, ngram_max=2)


def _topic_gate():
    """A real topic gate with fixed weights over the hashed vectors."""
    from pipeline.stance import LabelSpace
    from pipeline.stance_topic import TopicGate

    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    labels = LabelSpace.from_params(parse_params(raw).stance)
    return TopicGate(np.linspace(-1.0, 1.0, HashingEmbedder().dim), 0.0, list(labels.names), labels.neutral)


FAKES = Models(claim_model=_rules_claim_model(), stance_model=NearestPositionStance(),
               embedder=HashingEmbedder(), stance_encoder=HashingEmbedder(), ngram_layer=_ngram_layer(),
               context_layer=_context_layer(), topic_gate=_topic_gate())


def _project(folder: Path) -> Path:
    """A project folder: the tiny corpus, the gold annotations and structure pages evaluate reads."""
    corpora = folder / "corpora"
    shutil.copytree(ROOT / "tests" / "fixtures" / "corpora" / CORPUS, corpora / CORPUS)
    for name in ("annotations", "structure-pages", "structure-held-out"):
        shutil.copytree(ROOT / "corpora" / name, corpora / name)
    return folder


def _params():
    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    raw["ingest"]["corpora"] = [CORPUS]
    raw["base"]["engine"] = "local"
    raw["embed"]["workers"] = 1  # in-process: no worker pool loading real models
    return parse_params(raw)


def _in_dependency_order(chosen: list[stages.Stage]) -> list[stages.Stage]:
    """The stages, each after the stages that write its inputs (the registry lists dvc.yaml's order)."""
    maker = {Path(out.path): stage.name for stage in chosen for out in (*stage.outs, *stage.metrics, *stage.plots)}
    done: list[stages.Stage] = []
    while len(done) < len(chosen):
        ready = [s for s in chosen if s not in done
                 and all(maker.get(Path(i)) in (None, *(d.name for d in done)) for i in s.inputs)]
        assert ready, "the registry's stages form a cycle"
        done.append(ready[0])
    return done


STAGES = _in_dependency_order([s for s in stages.STAGES if not s.name.startswith("train_")])


def test_the_order_follows_the_data():
    names = [s.name for s in STAGES]
    assert names.index("stance") < names.index("cluster") < names.index("relate") < names.index("argmap")
    assert names[0] == "ingest" and set(names) == {s.name for s in stages.STAGES} - {
        "train_encoder", "train_claims", "train_stance", "train_ngrams", "train_topic", "train_context"}


def _run_dag(folder: Path, monkeypatch) -> dict[str, bytes]:
    """Every stage but training, in dependency order; every file the stages wrote, by path."""
    monkeypatch.chdir(_project(folder))
    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(folder / ".cache"))  # no cache shared with the real models
    p = _params()
    for stage in STAGES:
        runner = getattr(runners, stage.name)
        kwargs = {"models": FAKES} if "models" in inspect.signature(runner).parameters else {}
        runner(p, **kwargs)
    written = [out.path for stage in STAGES for out in (*stage.outs, *stage.metrics, *stage.plots)]
    return {str(path): (folder / path).read_bytes() for path in written}


def test_the_dag_runs_in_process_with_fakes_and_gives_the_same_bytes_twice(tmp_path, monkeypatch):
    first = _run_dag(tmp_path / "a", monkeypatch)
    second = _run_dag(tmp_path / "b", monkeypatch)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []

    root = tmp_path / "a"
    doc = json.loads((root / paths.ARGMAP).read_text(encoding="utf-8"))
    validate_argmap(doc)
    documents = read_table(root / paths.DOCUMENTS, schemas.DOCUMENTS).set_index("doc_id")
    assert doc["claims"], "the fixture corpus gives claims"
    for claim in doc["claims"]:  # every claim is its document's text at its offsets
        d = documents.loc[claim["doc_id"]]
        local = d["text"][claim["start_char"] - d["start_char"]:claim["end_char"] - d["start_char"]]
        assert " ".join(local.split()) == " ".join(claim["text"].split()), claim["id"]
    assert [pos["stance"] for pos in doc["positions"]] == _params().stance.label_names
    key_points = [kp for pos in doc["positions"] for kp in pos["key_points"]]
    assert key_points and all(kp["claim_ids"] for kp in key_points)
    claim_ids = {c["id"] for c in doc["claims"]}
    assert all(set(kp["claim_ids"]) <= claim_ids for kp in key_points)
    assert {r["relation"] for r in doc["relations"]} >= {"reply"}
