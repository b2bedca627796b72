"""The `argmap` command: one thin command per pipeline stage, plus queries over the outputs."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import typer

from pipeline import paths
from pipeline.errors import USER_ERRORS
from pipeline.io import read_json, read_table, write_json, write_jsonl, write_table, write_text
from pipeline.params import Params, load_params

logger = logging.getLogger("pipeline")

app = typer.Typer(
    name="argmap",
    help="Map a debate from articles and their comment threads. Stages run under `dvc repro`; "
    "each stage is also a command here.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state: dict[str, object] = {"params": Path("params.yaml")}


@app.callback()
def _main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step in detail."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors; no progress."),
    params: Path = typer.Option(Path("params.yaml"), "--params", help="The params file to use."),
) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="argmap %(name)s: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("sentence_transformers", "transformers", "httpx", "urllib3", "numba", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    _state["params"] = params
    _state["quiet"] = quiet


def fail(message: str) -> typer.Exit:
    """Print one actionable line and return the Exit to raise."""
    typer.echo(f"argmap: error: {message}", err=True)
    return typer.Exit(code=1)


def user_errors(fn: Callable) -> Callable:
    """Turn a user's mistake (bad params, missing input, missing model) into one line and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except USER_ERRORS as exc:
            raise fail(str(exc)) from None

    return wrapper


def params() -> Params:
    return load_params(_state["params"])


# ---------------------------------------------------------------------------------------- stages


@app.command("ingest")
@user_errors
def ingest_cmd() -> None:
    """Read every corpus listed in params into documents, layout blocks and rejects."""
    from pipeline.engine import make_engine, run_ingest

    p = params()
    engine = make_engine(p)
    try:
        result = run_ingest(engine, p)
    finally:
        engine.close()
    if not len(result.documents):
        if not result.rejects:
            raise fail(
                f"no data files in corpora {p.ingest.corpora} under {p.ingest.corpora_dir}/: add files "
                "(see corpora/README.md) or remove the corpus from ingest.corpora in params.yaml"
            )
        raise fail(
            f"no document could be read from corpora {p.ingest.corpora}; "
            f"{len(result.rejects)} file(s) rejected: "
            + "; ".join(f"{r['source']}: {r['reason']}" for r in result.rejects[:3])
        )
    write_table(result.documents, paths.DOCUMENTS, _schemas().DOCUMENTS)
    write_table(result.blocks, paths.BLOCKS, _schemas().BLOCKS)
    write_jsonl(paths.REJECTS, result.rejects)
    write_json(paths.INGEST_REPORT, result.stats)
    logger.info("ingested %d documents, %d rejects", len(result.documents), len(result.rejects))


@app.command("sentences")
@user_errors
def sentences_cmd() -> None:
    """Split documents into sentences, give each a role, and score which are claims."""
    from pipeline.claims import ClaimModel
    from pipeline.engine import make_engine, run_sentences

    p = params()
    s = _schemas()
    documents = read_table(paths.DOCUMENTS, s.DOCUMENTS)
    blocks = read_table(paths.BLOCKS, s.BLOCKS)
    ClaimModel.load(paths.CLAIM_MODEL)  # a missing model is one clear line before any work
    engine = make_engine(p)
    try:
        scored = run_sentences(engine, documents, blocks, p)
    finally:
        engine.close()
    write_table(scored, paths.SENTENCES_SCORED, s.CLAIM_SCORES)
    logger.info("%d sentences, %d claims", len(scored), int(scored["is_claim"].sum()))


@app.command("embed")
@user_errors
def embed_cmd() -> None:
    """Embed every claim with the sentence-transformers model named in params."""
    from pipeline.engine import make_engine, run_embed

    p = params()
    s = _schemas()
    scored = read_table(paths.SENTENCES_SCORED, s.CLAIM_SCORES)
    engine = make_engine(p)
    try:
        write_table(run_embed(engine, scored, p), paths.EMBEDDINGS, s.EMBEDDINGS)
    finally:
        engine.close()


@app.command("cluster")
@user_errors
def cluster_cmd() -> None:
    """Group claims into key points with hdbscan (noise stays -1)."""
    import pandas as pd

    from pipeline.cluster import cluster_claims, cluster_claims_within
    from pipeline.embed import analysis_text

    p = params()
    s = _schemas()
    embeddings = read_table(paths.EMBEDDINGS, s.EMBEDDINGS)
    texts = None
    if p.cluster.lexical_weight > 0:
        scored = read_table(paths.SENTENCES_SCORED, s.CLAIM_SCORES)
        claims = scored[scored["is_claim"]]
        texts = pd.Series(analysis_text(claims).to_numpy(), index=claims["sentence_id"].to_numpy())
    if p.cluster.within == "stance":
        stances = read_table(paths.STANCES, s.STANCES)
        groups = pd.Series(stances["stance"].to_numpy(), index=stances["sentence_id"].to_numpy())
        assignments = cluster_claims_within(embeddings, groups, p.cluster, seed=p.base.seed, texts=texts)
    else:
        assignments = cluster_claims(embeddings, p.cluster, seed=p.base.seed, texts=texts)
    write_table(assignments, paths.ASSIGNMENTS, s.ASSIGNMENTS)


@app.command("train_encoder")
@user_errors
def train_encoder_cmd() -> None:
    """Fine-tune the sentence embedder on labelled key-point groups; write models/encoder/ and metrics."""
    from pipeline.encoder import run_train_encoder

    run_train_encoder(params())


@app.command("train_claims")
@user_errors
def train_claims_cmd() -> None:
    """Train the claim detector from the annotations; write models/claims/ and its CV metrics."""
    from pipeline.train import run_train_claims

    run_train_claims(params())


@app.command("train_stance")
@user_errors
def train_stance_cmd() -> None:
    """Train the stance pair model on the pair data and the debate set; write models/stance/ and its
    held-out metrics (debate held-out set, seeds, ArgKP-2021 and PERSPECTRUM test)."""
    from pipeline.train import run_train_stance

    run_train_stance(params())


@app.command("stance-pairs")
@user_errors
def stance_pairs_cmd(
    argkp_dir: Path = typer.Option(Path("../shared/benchmarks/argkp2021"), "--argkp-dir",
                                   help="ArgKP-2021 folder (kpm_data/, test_data/)."),
    perspectrum_dir: Path = typer.Option(Path("../shared/benchmarks/perspectrum"), "--perspectrum-dir",
                                         help="PERSPECTRUM v1.0 folder (its JSON files)."),
    training_dir: Path = typer.Option(Path("corpora/training/pairs"), "--training-dir",
                                      help="Where the train-split pair CSVs go."),
    evaluation_dir: Path = typer.Option(Path("corpora/evaluation"), "--evaluation-dir",
                                        help="Where the test-split pair CSVs go."),
) -> None:
    """Rebuild the public stance pairs: train splits for training, test splits for scoring only
    (ArgKP's test as argument vs. motion, the zero-shot stance task). The same bytes come out."""
    from pipeline.io import write_text
    from pipeline.stance_data import argkp_pairs, perspectrum_pairs

    outputs = {
        training_dir / "argkp2021_train.csv": argkp_pairs(argkp_dir, "train"),
        training_dir / "perspectrum_train.csv": perspectrum_pairs(perspectrum_dir, "train"),
        evaluation_dir / "argkp2021_test.csv": argkp_pairs(argkp_dir, "test", key_points=False),
        evaluation_dir / "perspectrum_test.csv": perspectrum_pairs(perspectrum_dir, "test"),
    }
    for path, frame in outputs.items():
        write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        counts = ", ".join(f"{k} {v}" for k, v in frame["relation"].value_counts().sort_index().items())
        typer.echo(f"{path}: {len(frame)} pairs ({counts})")


@app.command("stance")
@user_errors
def stance_cmd() -> None:
    """Tag each claim with a stance label, a probability per label and the chosen one's score."""
    from pipeline.engine import make_engine, run_stance
    from pipeline.stance import StanceModel

    p = params()
    s = _schemas()
    scored = read_table(paths.SENTENCES_SCORED, s.CLAIM_SCORES)
    documents = read_table(paths.DOCUMENTS, s.DOCUMENTS)
    StanceModel.load(paths.STANCE_MODEL)  # a missing or broken model is one clear line before any work
    engine = make_engine(p)
    try:
        stances = run_stance(engine, scored, documents, p)
    finally:
        engine.close()
    write_table(stances, paths.STANCES, s.STANCES)


@app.command("relate")
@user_errors
def relate_cmd() -> None:
    """Relate comments and claims to what they answer: reply, support and attack edges."""
    from pipeline.relate import relate
    from pipeline.stance import LabelSpace

    p = params()
    s = _schemas()
    scored = read_table(paths.SENTENCES_SCORED, s.CLAIM_SCORES)
    stances = read_table(paths.STANCES, s.STANCES)
    documents = read_table(paths.DOCUMENTS, s.DOCUMENTS)
    embeddings = read_table(paths.EMBEDDINGS, s.EMBEDDINGS)
    assignments = read_table(paths.ASSIGNMENTS, s.ASSIGNMENTS)
    claims = (
        scored[scored["is_claim"]]
        .merge(stances, on="sentence_id", validate="one_to_one")
        .merge(assignments[["sentence_id", "cluster_id"]], on="sentence_id", validate="one_to_one")
    )
    space = LabelSpace.from_params(p.stance)
    edges = relate(
        claims, documents, embeddings, p.relate, p.stance.label_names, p.stance.neutral_label,
        terms=dict(zip(space.names, space.terms)),
    )
    write_table(edges, paths.EDGES, s.EDGES)


@app.command("argmap")
@user_errors
def argmap_cmd() -> None:
    """Assemble the argument map and the final sentences and clusters tables."""
    from pipeline.argmap import build_argmap, describe_clusters, merge_sentences, stored_lemmatizer, validate_argmap
    from pipeline.export import to_aif, to_argdown, to_graphml

    p = params()
    s = _schemas()
    documents = read_table(paths.DOCUMENTS, s.DOCUMENTS)
    scored = read_table(paths.SENTENCES_SCORED, s.CLAIM_SCORES)
    sentences = merge_sentences(
        scored,
        read_table(paths.STANCES, s.STANCES),
        read_table(paths.ASSIGNMENTS, s.ASSIGNMENTS),
    )
    embeddings = read_table(paths.EMBEDDINGS, s.EMBEDDINGS)
    edges = read_table(paths.EDGES, s.EDGES)
    clusters = describe_clusters(
        sentences, documents, embeddings, p.stance.label_names,
        lemmatize=stored_lemmatizer(scored), n_keywords=p.cluster.keywords,
    )
    run = {
        "corpora": list(p.ingest.corpora),
        "embedding_model": p.embed.model,
        "spacy_model": p.sentences.spacy_model,
        "stance_model": "pair model (models/stance)",
        "params": {"cluster": p.cluster.model_dump(), "relate": p.relate.model_dump(),
                   "claim_threshold": p.sentences.claim_threshold},
        "top_claims": p.argmap.top_claims,
    }
    label_set = [{"name": label.name, "description": label.description} for label in p.stance.labels]
    doc = build_argmap(sentences, documents, clusters, edges, label_set, run, neutral=p.stance.neutral_label)
    validate_argmap(doc)
    write_table(sentences, paths.SENTENCES, s.SENTENCES)
    write_table(clusters, paths.CLUSTERS, s.CLUSTERS)
    write_json(paths.ARGMAP, doc)
    write_json(paths.ARGMAP_AIF, to_aif(doc, documents))
    write_text(paths.ARGMAP_ARGDOWN, to_argdown(doc))
    write_text(paths.ARGMAP_GRAPHML, to_graphml(doc))
    logger.info("map: %s", doc["summary"])


@app.command("evaluate")
@user_errors
def evaluate_cmd() -> None:
    """Score the outputs against the gold annotations; write metrics/ (DVC metrics)."""
    import pandas as pd

    from pipeline.evaluate import score_map, score_relations
    from pipeline.evaluate_structure import score_structure

    p = params()
    s = _schemas()
    ann = Path(p.evaluate.annotations_dir)
    gold_structure = read_json(ann / "seed_structure.json")
    gold_sentences = pd.read_csv(ann / "seed_sentences.csv")
    documents = read_table(paths.DOCUMENTS, s.DOCUMENTS)
    sentences = read_table(paths.SENTENCES, s.SENTENCES)
    clusters = read_table(paths.CLUSTERS, s.CLUSTERS)
    edges = read_table(paths.EDGES, s.EDGES)
    rejects = [json.loads(line) for line in paths.REJECTS.read_text(encoding="utf-8").splitlines() if line]
    structure = score_structure(
        documents, sentences, gold_structure, gold_sentences,
        rejects=rejects, ingest_report=read_json(paths.INGEST_REPORT),
    )
    relations = score_relations(documents, edges, gold_structure)
    write_json(paths.METRICS / "structure.json", structure)
    write_json(paths.METRICS / "map.json", {**score_map(sentences, clusters, edges),
                                            **{k: v for k, v in relations.items() if k != "relation_details"}})
    write_json(paths.PLOTS / "relation_details.json", relations["relation_details"])


def _schemas():
    from pipeline import schemas

    return schemas


from pipeline.corpus_cli import corpus_app  # noqa: E402

app.add_typer(corpus_app, name="corpus", help="Add, validate and list corpora.")
from pipeline.query_cli import register as _register_queries  # noqa: E402

_register_queries(app)
from pipeline.benchmark_cli import register as _register_benchmark  # noqa: E402

_register_benchmark(app)
from pipeline.bench_cli import register as _register_bench  # noqa: E402

_register_bench(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
