"""One runner per DVC stage: load the stage's inputs, call its pure function, write its outputs.

`argmap <stage>` validates params.yaml and calls `<stage>(params)` here; the registry
(pipeline/stages.py) declares what each stage reads and writes. A runner's docstring is its
command's help. Heavy imports stay inside the runners, so a command loads only what its stage
needs, and a stage's code deps (dvc.yaml) are what its own runner imports.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pipeline import paths, schemas
from pipeline.errors import CorpusError
from pipeline.io import read_json, read_table, write_json, write_jsonl, write_table, write_text
from pipeline.params import Params

logger = logging.getLogger("pipeline")


def ingest(p: Params) -> None:
    """Read every corpus listed in params into documents, layout blocks and rejects."""
    from pipeline.runtime.engine import make_engine, run_ingest

    engine = make_engine(p)
    try:
        result = run_ingest(engine, p)
    finally:
        engine.close()
    if not len(result.documents):
        if not result.rejects:
            raise CorpusError(
                f"no data files in corpora {p.ingest.corpora} under {p.ingest.corpora_dir}/: add files "
                "(see corpora/README.md) or remove the corpus from ingest.corpora in params.yaml"
            )
        raise CorpusError(
            f"no document could be read from corpora {p.ingest.corpora}; "
            f"{len(result.rejects)} file(s) rejected: "
            + "; ".join(f"{r['source']}: {r['reason']}" for r in result.rejects[:3])
        )
    write_table(result.documents, paths.DOCUMENTS, schemas.DOCUMENTS)
    write_table(result.blocks, paths.BLOCKS, schemas.BLOCKS)
    write_jsonl(paths.REJECTS, result.rejects)
    write_json(paths.INGEST_REPORT, result.stats)
    logger.info("ingested %d documents, %d rejects", len(result.documents), len(result.rejects))


def train_encoder(p: Params) -> None:
    """Fine-tune the sentence embedder on labelled key-point groups; write models/encoder/ and metrics."""
    from pipeline.encoder import run_train_encoder

    run_train_encoder(p, model_dir=paths.ENCODER_MODEL, metrics_path=paths.TRAIN_ENCODER_METRICS)


def train_claims(p: Params) -> None:
    """Train the claim detector from the annotations; write models/claims/ and its CV metrics."""
    from pipeline.train import run_train_claims

    run_train_claims(p, model_dir=paths.CLAIM_MODEL, metrics_path=paths.TRAIN_CLAIMS_METRICS)


def train_stance(p: Params) -> None:
    """Train the stance pair model on the pair data and the debate set; write models/stance/ and its
    held-out metrics (debate held-out set, seeds, ArgKP-2021 and PERSPECTRUM test)."""
    from pipeline.train import run_train_stance

    run_train_stance(p, model_dir=paths.STANCE_MODEL, metrics_path=paths.TRAIN_STANCE_METRICS,
                     plots_dir=paths.PLOTS)


def train_ngrams(p: Params) -> None:
    """Fit the stance n-gram layer on the debate set; write models/ngrams/ and its held-out metrics
    (debate held-out set and held-out passages, with and without the layer)."""
    from pipeline.train_ngrams import run_train_ngrams

    run_train_ngrams(p, model_dir=paths.NGRAM_MODEL, metrics_path=paths.TRAIN_NGRAMS_METRICS)


def train_topic(p: Params) -> None:
    """Fit the stance topic gate on the debate set and the off-debate claims; write models/topic/ and
    its held-out metrics (how it tells argued claims from neutral ones)."""
    from pipeline.train_topic import run_train_topic

    run_train_topic(p, model_dir=paths.TOPIC_MODEL, metrics_path=paths.TRAIN_TOPIC_METRICS)


def train_context(p: Params) -> None:
    """Fit the stance context layer on passages labelled in context; write models/context/ and its
    held-out metrics (held-out passages, with and without context)."""
    from pipeline.train_context import run_train_context

    run_train_context(p, model_dir=paths.CONTEXT_MODEL, metrics_path=paths.TRAIN_CONTEXT_METRICS)


def _on_engine(p: Params, work, models=None):
    """`work(engine)` on the engine params choose (local pool or Dask), closed however it ends;
    `models` (pipeline.runtime.engine.Models; not imported here, as a runner imports its engine
    itself) are handed to the engine in place of the trained ones."""
    from pipeline.runtime.engine import make_engine

    engine = make_engine(p, models=models)
    try:
        return work(engine)
    finally:
        engine.close()


def sentences(p: Params, *, models=None) -> None:
    """Split documents into sentences, give each a role, and score which are claims."""
    from pipeline.claims import ClaimModel
    from pipeline.runtime.engine import run_sentences

    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    blocks = read_table(paths.BLOCKS, schemas.BLOCKS)
    if models is None or models.claim_model is None:
        ClaimModel.load(paths.CLAIM_MODEL)  # a missing model is one clear line before any work
    scored = _on_engine(p, lambda engine: run_sentences(engine, documents, blocks, p), models)
    write_table(scored, paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
    logger.info("%d sentences, %d claims", len(scored), int(scored["is_claim"].sum()))


def embed(p: Params, *, models=None) -> None:
    """Embed every claim with the sentence-transformers model named in params."""
    from pipeline.runtime.engine import run_embed

    scored = read_table(paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
    write_table(_on_engine(p, lambda engine: run_embed(engine, scored, p), models), paths.EMBEDDINGS,
                schemas.EMBEDDINGS)


def cluster(p: Params) -> None:
    """Group claims into key points with hdbscan (noise stays -1)."""
    import pandas as pd

    from pipeline.cluster import cluster_claims, cluster_claims_within
    from pipeline.embed import analysis_text

    embeddings = read_table(paths.EMBEDDINGS, schemas.EMBEDDINGS)
    texts = None
    if p.cluster.lexical_weight > 0:
        scored = read_table(paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
        claims = scored[scored["is_claim"]]
        texts = pd.Series(analysis_text(claims).to_numpy(), index=claims["sentence_id"].to_numpy())
    if p.cluster.within == "stance":
        stances = read_table(paths.STANCES, schemas.STANCES)
        groups = pd.Series(stances["stance"].to_numpy(), index=stances["sentence_id"].to_numpy())
        assignments = cluster_claims_within(embeddings, groups, p.cluster, seed=p.base.seed, texts=texts)
    else:
        assignments = cluster_claims(embeddings, p.cluster, seed=p.base.seed, texts=texts)
    write_table(assignments, paths.ASSIGNMENTS, schemas.ASSIGNMENTS)


def stance(p: Params, *, models=None) -> None:
    """Tag each claim with a stance label, a probability per label and the chosen one's score."""
    from pipeline.runtime.engine import run_stance
    from pipeline.stance import StanceModel

    scored = read_table(paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    if models is None or models.stance_model is None:
        StanceModel.load(paths.STANCE_MODEL)  # a missing or broken model is one clear line before any work
    if p.stance.ngrams and (models is None or models.ngram_layer is None):
        from pipeline.stance_ngrams import NgramLayer

        NgramLayer.load(paths.NGRAM_MODEL)
    if p.stance.context and (models is None or models.context_layer is None):
        from pipeline.stance_context import ContextLayer

        ContextLayer.load(paths.CONTEXT_MODEL)
    if p.stance.topic_weight > 0 and (models is None or models.topic_gate is None):
        from pipeline.stance_topic import TopicGate

        TopicGate.load(paths.TOPIC_MODEL)
    stances = _on_engine(p, lambda engine: run_stance(engine, scored, documents, p), models)
    write_table(stances, paths.STANCES, schemas.STANCES)


def relate(p: Params) -> None:
    """Relate comments and claims to what they answer: reply, support and attack edges."""
    from pipeline.relate import relate as relate_claims
    from pipeline.stance import LabelSpace

    scored = read_table(paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
    stances = read_table(paths.STANCES, schemas.STANCES)
    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    embeddings = read_table(paths.EMBEDDINGS, schemas.EMBEDDINGS)
    assignments = read_table(paths.ASSIGNMENTS, schemas.ASSIGNMENTS)
    claims = (
        scored[scored["is_claim"]]
        .merge(stances, on="sentence_id", validate="one_to_one")
        .merge(assignments[["sentence_id", "cluster_id"]], on="sentence_id", validate="one_to_one")
    )
    edges = relate_claims(claims, documents, embeddings, p.relate, LabelSpace.from_params(p.stance))
    write_table(edges, paths.EDGES, schemas.EDGES)


def argmap(p: Params) -> None:
    """Assemble the argument map and the final sentences and clusters tables."""
    from pipeline.argmap import (
        build_argmap,
        describe_clusters,
        merge_sentences,
        stage_parser,
        stored_lemmatizer,
        validate_argmap,
    )
    from pipeline.results.export import to_aif, to_argdown, to_graphml
    from pipeline.stance import LabelSpace

    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    scored = read_table(paths.SENTENCES_SCORED, schemas.CLAIM_SCORES)
    sentences = merge_sentences(
        scored,
        read_table(paths.STANCES, schemas.STANCES),
        read_table(paths.ASSIGNMENTS, schemas.ASSIGNMENTS),
    )
    embeddings = read_table(paths.EMBEDDINGS, schemas.EMBEDDINGS)
    edges = read_table(paths.EDGES, schemas.EDGES)
    label_space = LabelSpace.from_params(p.stance)
    clusters = describe_clusters(
        sentences, documents, embeddings, label_space,
        lemmatize=stored_lemmatizer(scored), n_keywords=p.cluster.keywords,
        parse=stage_parser(p.sentences.spacy_model),
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
    doc = build_argmap(sentences, documents, clusters, edges, label_space, run)
    validate_argmap(doc)
    write_table(sentences, paths.SENTENCES, schemas.SENTENCES)
    write_table(clusters, paths.CLUSTERS, schemas.CLUSTERS)
    write_json(paths.ARGMAP, doc)
    write_json(paths.ARGMAP_AIF, to_aif(doc, documents))
    write_text(paths.ARGMAP_ARGDOWN, to_argdown(doc))
    write_text(paths.ARGMAP_GRAPHML, to_graphml(doc))
    logger.info("map: %s", doc["summary"])


def report(p: Params) -> None:
    """Render outputs/report.html: the map as one self-contained page that works offline."""
    from pipeline.results.report import render_report
    from pipeline.runtime.progress import progress

    doc = read_json(paths.ARGMAP)
    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    with progress("rendering the report…"):
        page = render_report(doc, documents, run_info={"neutral_label": p.stance.neutral_label})
    write_text(paths.REPORT, page)
    logger.info("report: %s (%d bytes, %d claims)", paths.REPORT, len(page.encode("utf-8")), len(doc["claims"]))


# Pages written to score the readers, and their gold (under evaluate.annotations_dir): the pages the
# readers were developed with, and pages kept apart from that work (scored only).
STRUCTURE_PAGES = (("structure-pages", "structure_pages.json"), ("structure-held-out", "structure_held_out.json"))


def evaluate(p: Params) -> None:
    """Score the outputs against the gold annotations; write metrics/ (DVC metrics)."""
    import pandas as pd

    from pipeline.evaluate import score_map, score_relations, score_seed_stance
    from pipeline.evaluate_structure import score_structure, score_structure_pages
    from pipeline.ingest import ingest_corpora, read_corpus

    ann = Path(p.evaluate.annotations_dir)
    gold_structure = read_json(ann / "seed_structure.json")
    gold_sentences = pd.read_csv(ann / "seed_sentences.csv")
    documents = read_table(paths.DOCUMENTS, schemas.DOCUMENTS)
    sentences = read_table(paths.SENTENCES, schemas.SENTENCES)
    clusters = read_table(paths.CLUSTERS, schemas.CLUSTERS)
    edges = read_table(paths.EDGES, schemas.EDGES)
    rejects = [json.loads(line) for line in paths.REJECTS.read_text(encoding="utf-8").splitlines() if line]
    structure = score_structure(
        documents, sentences, gold_structure, gold_sentences,
        rejects=rejects, ingest_report=read_json(paths.INGEST_REPORT),
    )
    relations = score_relations(documents, edges, gold_structure)
    # The structure pages are read here, straight from their folders: they are not corpora of the map.
    for corpus, gold in STRUCTURE_PAGES:
        pages = ingest_corpora([read_corpus(Path("corpora"), corpus, p.ingest.max_file_bytes)])
        structure[Path(gold).stem] = score_structure_pages(pages.documents, pages.blocks, read_json(ann / gold))
    write_json(paths.STRUCTURE_METRICS, structure)
    write_json(paths.MAP_METRICS, {**score_map(sentences, clusters, edges),
                                   **{k: v for k, v in relations.items() if k != "relation_details"}})
    write_json(paths.RELATION_DETAILS, relations["relation_details"])
    write_json(paths.STANCE_METRICS, score_seed_stance(sentences, gold_sentences))
