"""The train_claims and train_stance stages: annotated rows + their raw files -> models and LODO metrics."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError
from pipeline.io import atomic_dir, read_csv_records, write_json, write_text

logger = logging.getLogger(__name__)

ANNOTATION_COLUMNS = ("doc", "line", "role", "sentence", "is_claim", "stance", "confidence")


def normalise_text(text: str) -> str:
    """Unicode-clean a sentence for the models: NFKC, plain spaces, straight quotes."""
    text = unicodedata.normalize("NFKC", text)
    table = {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-", 0x2014: " - "}
    text = text.translate(table)
    return " ".join(text.split())


def read_annotations(path: str | Path) -> pd.DataFrame:
    """Read the gold sentence CSV, checking its columns; a bad row names its line."""
    records = []
    for line_no, rec in read_csv_records(path, ANNOTATION_COLUMNS, error=AnnotationError,
                                         missing_hint="annotation file not found (set train_stance.annotations)"):
        try:
            rec["line"] = int(rec["line"])
            rec["is_claim"] = int(rec["is_claim"])
        except (TypeError, ValueError):
            raise AnnotationError(
                f"{path}:{line_no}: line and is_claim must be integers, got "
                f"{rec.get('line')!r}, {rec.get('is_claim')!r}") from None
        if rec["is_claim"] not in (0, 1):
            raise AnnotationError(f"{path}:{line_no}: is_claim must be 0 or 1, got {rec['is_claim']}")
        rec["annotation_line"] = line_no
        records.append(rec)
    return pd.DataFrame.from_records(records)


def _find_raw(doc: str, corpora_dir: Path, corpora: list[str]) -> tuple[str, Path]:
    # Annotations may come from a corpus the current run does not analyse: look in every folder.
    others = sorted(p.name for p in corpora_dir.iterdir() if p.is_dir() and p.name not in corpora)
    for corpus in [*corpora, *others]:
        candidate = corpora_dir / corpus / doc
        if candidate.is_file():
            return corpus, candidate
    raise AnnotationError(f"annotated document {doc!r} is not in any corpus folder under {corpora_dir}")


def _load_structure(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {d["file"]: d for d in data.get("documents", [])}


def build_training_frames(annotations: pd.DataFrame, corpora_dir: str | Path, corpora: list[str],
                          structure_path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentence and document frames (as the pipeline's stages would give) for the annotated rows.

    Context comes from the raw files: block_text is the raw line holding the sentence; comments
    are grouped into documents by the structure file's line ranges when it exists, else one
    comment per line. These are training labels and context only, never prediction inputs.
    """
    corpora_dir = Path(corpora_dir)
    structure = _load_structure(Path(structure_path)) if structure_path else {}
    sentence_rows: list[dict[str, Any]] = []
    doc_rows: dict[str, dict[str, Any]] = {}
    for doc_name in sorted(annotations["doc"].unique()):
        corpus, raw_path = _find_raw(doc_name, corpora_dir, corpora)
        raw = raw_path.read_text(encoding="utf-8")
        lines = raw.split("\n")
        line_start = np.cumsum([0] + [len(line) + 1 for line in lines])
        info = structure.get(doc_name, {})
        article_id = f"{corpus}/{doc_name}"
        rows = annotations[annotations["doc"] == doc_name]
        title = info.get("title")
        if title is None:
            titles = rows[rows["role"] == "title"]["sentence"]
            title = str(titles.iloc[0]) if len(titles) else None
        doc_rows[article_id] = {
            "doc_id": article_id, "corpus": corpus, "source": doc_name, "kind": "article",
            "comment_n": None, "parent_doc_id": None, "title": title,
            "author": info.get("article_author"), "addressed_to": None,
            "start_char": 0, "end_char": len(raw), "text": raw,
        }
        comment_of_line: dict[int, dict] = {}
        for c in info.get("comments", []):
            for ln in range(c["lines"][0], c["lines"][1] + 1):
                comment_of_line[ln] = c
        comment_lines = sorted(set(rows.loc[rows["role"] == "comment", "line"]))
        for position, rec in enumerate(rows.itertuples(index=False)):
            ln = int(rec.line)
            if ln < 1 or ln > len(lines):
                raise AnnotationError(f"{doc_name}: line {ln} is outside the file ({len(lines)} lines)")
            line_text = lines[ln - 1]
            at = line_text.find(rec.sentence)
            if at < 0:
                raise AnnotationError(
                    f"annotations line {rec.annotation_line}: sentence not found on line {ln} of {doc_name}")
            doc_id, kind = article_id, "article"
            comment_n = None
            if rec.role == "comment":
                c = comment_of_line.get(ln)
                n = c["n"] if c else comment_lines.index(ln) + 1
                doc_id, kind, comment_n = f"{article_id}#c{n}", "comment", n
                if doc_id not in doc_rows:
                    reply = c.get("reply_to", "article") if c else "article"
                    parent = article_id if reply == "article" else f"{article_id}#c{reply}"
                    doc_rows[doc_id] = {
                        "doc_id": doc_id, "corpus": corpus, "source": doc_name, "kind": "comment",
                        "comment_n": n, "parent_doc_id": parent, "title": None,
                        "author": c.get("author") if c else None,
                        "addressed_to": c.get("addressed_to") if c else None,
                        "start_char": int(line_start[ln - 1]), "end_char": int(line_start[ln] - 1),
                        "text": line_text,
                    }
            start = int(line_start[ln - 1]) + at
            role = "body" if rec.role == "comment" else rec.role
            sentence_rows.append({
                "sentence_id": f"{doc_id}:{ln}:{at}", "doc_id": doc_id, "corpus": corpus,
                "source": doc_name, "role": role, "start_char": start,
                "end_char": start + len(rec.sentence), "text": rec.sentence,
                "norm_text": normalise_text(rec.sentence), "block_id": f"{article_id}:L{ln}",
                "block_text": line_text, "kind": kind, "comment_n": comment_n,
                "is_claim": int(rec.is_claim), "gold_stance": rec.stance,
                "confidence": rec.confidence, "annotation_line": int(rec.annotation_line),
                "order": position,
            })
    sentences = pd.DataFrame(sentence_rows)
    documents = pd.DataFrame(list(doc_rows.values()))
    return sentences, documents


def _training_frames(params, annotations_path: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    annotations = read_annotations(annotations_path)
    structure = Path(annotations_path).parent / "seed_structure.json"
    return build_training_frames(annotations, params.ingest.corpora_dir, list(params.ingest.corpora),
                                 structure if structure.is_file() else None)


def run_train_claims(params, *, nlp=None, embedder=None, model_dir: str | Path | None = None,
                     metrics_path: str | Path = "metrics/train_claims.json") -> dict:
    """Train the claim detector from the annotations; write models/claims/ and its LODO metrics."""
    from pipeline import paths
    from pipeline.claims import train_claim_model
    from pipeline.models import load_embedder, load_spacy
    from pipeline.stance import LabelSpace

    nlp = nlp or load_spacy(params.sentences.spacy_model, disable=("ner",))
    embedder = embedder or load_embedder(params.embed.model, params.embed.model_package,
                                         params.embed.batch_size)
    from pipeline.stance_data import debate_frame, passage_frame, read_debate_set, read_passages

    cfg = params.train_claims
    sentences, _ = _training_frames(params, cfg.annotations)
    labels = LabelSpace.from_params(params.stance)
    extra = [debate_frame(read_debate_set(cfg.debate, labels.names))]
    if cfg.passages:
        extra.append(passage_frame(read_passages(cfg.passages, labels.names)))
    held_out = {Path(path).stem: debate_frame(read_debate_set([path], labels.names)) for path in cfg.held_out}
    if cfg.passages_held_out:
        held_out[Path(cfg.passages_held_out).stem] = passage_frame(read_passages([cfg.passages_held_out], labels.names))
    model, metrics = train_claim_model(sentences, nlp=nlp, embedder=embedder, params=params,
                                       extra=pd.concat(extra, ignore_index=True), held_out=held_out)
    with atomic_dir(model_dir or paths.CLAIM_MODEL) as tmp:  # no half-written model on interruption
        model.save(tmp)
    write_json(metrics_path, metrics)
    logger.info("train_claims: LODO F1 %.3f (%s)", metrics["f1"], metrics["mode"])
    return metrics


def load_stance_data(params, labels):
    """The tables train_stance reads (pairs, debate set, held-out file, seed annotations, dev and test pairs),
    for the stage and for the benchmarks that train on the same rows."""
    from pipeline.stance_data import passage_debate_rows, read_debate_set, read_pairs, read_passages
    from pipeline.train_stance import StanceData

    cfg = params.train_stance
    seeds, _ = _training_frames(params, cfg.annotations)
    debate = read_debate_set(cfg.debate, labels.names)
    if cfg.passages:
        debate = pd.concat([debate, passage_debate_rows(read_passages(cfg.passages, labels.names))],
                           ignore_index=True)
        clash = debate["id"][debate["id"].duplicated()]
        if len(clash):
            raise AnnotationError(f"train_stance: id {clash.iloc[0]!r} is in the debate set and the passages")
    return StanceData(
        pairs=pd.concat([read_pairs(f) for f in cfg.pairs], ignore_index=True),
        debate=debate,
        held_out=read_debate_set([cfg.held_out], labels.names),
        seeds=seeds.assign(text=seeds["norm_text"]),
        benchmarks={name: read_pairs(path) for name, path in sorted(cfg.benchmarks.items())},
        dev={name: read_pairs(path) for name, path in sorted(cfg.dev.items())},
    )


def run_train_stance(params, *, encoder=None, model_dir: str | Path | None = None,
                     metrics_path: str | Path = "metrics/train_stance.json",
                     plots_dir: str | Path = "plots") -> dict:
    """Fine-tune the stance pair model; write models/stance/, its held-out metrics and plot data."""
    from pipeline import paths
    from pipeline.encoder import save_model
    from pipeline.models import load_sentence_transformer
    from pipeline.stance import ENCODER_DIR, LabelSpace
    from pipeline.train_stance import train_stance_model

    cfg = params.train_stance
    labels = LabelSpace.from_params(params.stance)
    data = load_stance_data(params, labels)
    encoder = encoder or load_sentence_transformer(cfg.base_model, cfg.base_package)
    encoder.max_seq_length = cfg.max_seq_length
    model, encoder, metrics = train_stance_model(data, labels, encoder=encoder, cfg=cfg, seed=params.base.seed)
    with atomic_dir(model_dir or paths.STANCE_MODEL) as tmp:  # no half-written model on interruption
        save_model(encoder, Path(tmp) / ENCODER_DIR)
        model.save(tmp)
    plots = metrics.pop("_plots")
    write_json(metrics_path, metrics)
    plots_dir = Path(plots_dir)
    confusion = plots["confusion"]
    for subset in ("high", "all", "held_out"):  # one file per subset: a DVC confusion plot cannot filter rows
        rows = confusion[confusion["subset"] == subset][["actual", "predicted"]]
        write_text(plots_dir / f"stance_confusion_{subset}.csv", rows.to_csv(index=False))
    write_text(plots_dir / "stance_reliability.csv", plots["reliability"].to_csv(index=False))
    held = metrics["debate_held_out"]
    logger.info("train_stance: held-out macro-F1 %.3f (claims %.3f), seeds high %.3f",
                held["all"]["macro_f1"], held["claims"]["macro_f1"], metrics["seeds"]["high"]["macro_f1"])
    return metrics
