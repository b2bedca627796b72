"""Column declarations for every table argmap writes, checked on write and on read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from pipeline.errors import ArgmapError


class SchemaError(ArgmapError, ValueError):
    """A table does not match its declared schema."""


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    doc: str


@dataclass(frozen=True)
class TableSchema:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def check(self, df: pd.DataFrame, where: str = "") -> None:
        """Raise SchemaError unless `df` has every declared column, without nulls where forbidden."""
        missing = [n for n in self.names if n not in df.columns]
        if missing:
            raise SchemaError(f"{where or self.name}: missing columns {missing}")
        for c in self.columns:
            if not c.nullable and len(df) and df[c.name].isna().any():
                raise SchemaError(f"{where or self.name}: column {c.name!r} has nulls")

    def to_arrow(self, df: pd.DataFrame) -> pa.Table:
        """Declared columns first, in order, with their types; extra columns kept after them."""
        self.check(df)
        extra = [c for c in df.columns if c not in self.names]
        table = pa.Table.from_pandas(df[self.names + extra], preserve_index=False)
        fields = []
        for c in self.columns:
            fields.append(pa.field(c.name, c.type, nullable=True))
        for name in extra:
            fields.append(table.schema.field(name))
        return table.cast(pa.schema(fields))


def _c(name: str, type_: pa.DataType, doc: str, nullable: bool = False) -> Column:
    return Column(name, type_, nullable, doc)


S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

DOCUMENTS = TableSchema(
    "documents",
    "One row per article or comment.",
    (
        _c("doc_id", S, "Stable id: corpus, source file and position (e.g. seed-blogs/002_x.txt#c2)."),
        _c("corpus", S, "Corpus name (folder under corpora/)."),
        _c("source", S, "File path inside the corpus folder."),
        _c("kind", S, "article or comment."),
        _c("comment_n", I, "1-based position of a comment on its page; null for articles.", True),
        _c("parent_doc_id", S, "What a comment answers (the article or an earlier comment).", True),
        _c("title", S, "Title of an article, if the page has one.", True),
        _c("author", S, "Writer, where the page or its text names them.", True),
        _c("addressed_to", S, "Whom a comment greets or addresses ('Hi Jessica,').", True),
        _c("start_char", I, "Start offset of the document in the source text."),
        _c("end_char", I, "End offset (exclusive) of the document in the source text."),
        _c("text", S, "The document's raw text: source_text[start_char:end_char]."),
    ),
)

BLOCKS = TableSchema(
    "blocks",
    "Line-level layout of each document: the units sentences are split from.",
    (
        _c("block_id", S, "Stable id: doc_id plus block position."),
        _c("doc_id", S, "Document the block belongs to."),
        _c("role", S, "title, heading, body, list_item, caption or boilerplate."),
        _c("start_char", I, "Start offset in the source text."),
        _c("end_char", I, "End offset (exclusive) in the source text."),
        _c("text", S, "Raw text of the block."),
    ),
)

SENTENCES = TableSchema(
    "sentences",
    "One row per sentence of every document, boilerplate included.",
    (
        _c("sentence_id", S, "Stable id: doc_id plus sentence position."),
        _c("doc_id", S, "Document the sentence belongs to."),
        _c("corpus", S, "Corpus name."),
        _c("source", S, "File path inside the corpus folder."),
        _c("role", S, "title, heading, body, list_item, caption or boilerplate."),
        _c("start_char", I, "Start offset in the source text."),
        _c("end_char", I, "End offset (exclusive) in the source text."),
        _c("text", S, "Raw text: source_text[start_char:end_char]."),
        _c("is_claim", B, "True where the sentence asserts a debatable position or a reason for one."),
        _c("claim_score", F, "Probability in [0, 1] that the sentence is a claim."),
        _c("stance", S, "Position argued (a label from params stance.labels); null for non-claims.", True),
        _c("stance_score", F, "Probability of the chosen stance; null for non-claims.", True),
        _c("stance_own", S, "Position the claim's own words argue, read alone; where it differs from "
           "stance, the claim's context (neighbours, heading) moved it. Null for non-claims.", True),
        _c("cluster_id", I, "Key point the claim belongs to (-1 = noise); null for non-claims.", True),
    ),
)

CLAIM_SCORES = TableSchema(
    "sentences_scored",
    "Sentences after splitting, roles and claim detection (before stance and clusters).",
    tuple(c for c in SENTENCES.columns if c.name not in {"stance", "stance_score", "stance_own", "cluster_id"})
    + (_c("content_lemmas", pa.list_(pa.string()),
          "Lowercased lemmas of the content words (nouns, proper nouns, adjectives, verbs) from the "
          "claim-cue parse; the map's key point keywords are built from them."),),
)

EMBEDDINGS = TableSchema(
    "embeddings",
    "Sentence embeddings of the claims.",
    (
        _c("sentence_id", S, "Sentence embedded."),
        _c("embedding", pa.list_(pa.float32()), "Unit-length vector from the embedding model."),
    ),
)

ASSIGNMENTS = TableSchema(
    "cluster_assignments",
    "Key point (cluster) of each claim.",
    (
        _c("sentence_id", S, "Claim clustered."),
        _c("cluster_id", I, "Cluster id, -1 for noise."),
        _c("membership_score", F, "Strength of membership in [0, 1]."),
        _c("reassigned", B, "True where a noise claim was given its nearest key point."),
    ),
)

STANCES = TableSchema(
    "stances",
    "Stance of each claim.",
    (
        _c("sentence_id", S, "Claim tagged."),
        _c("stance", S, "Chosen label."),
        _c("stance_score", F, "Probability of the chosen label."),
        _c("stance_probs", S, "JSON object: probability per label."),
        _c("stance_own", S, "Label from the claim's own words, read alone (stance reads its context too)."),
    ),
)

CLUSTERS = TableSchema(
    "clusters",
    "One row per key point (cluster of claims).",
    (
        _c("cluster_id", I, "Cluster id (-1 collects the noise claims)."),
        _c("label", S, "Readable label: a span (at most 15 words) of the representative claim (docs/KEYPOINTS.md)."),
        _c("representative_sentence_id", S, "The claim the label is taken from; null for noise.", True),
        _c("keywords", S, "JSON list of keywords (class-based TF-IDF over lemmas)."),
        _c("size", I, "Number of claims."),
        _c("dominant_stance", S, "Most frequent stance among its claims."),
        _c("stance_shares", S, "JSON object: share of claims per stance label."),
        _c("n_documents", I, "Distinct documents its claims come from."),
        _c("authors", S, "JSON list of known authors of its claims."),
        _c("n_people", I, "Distinct speakers, named or not, whose claims it holds."),
        _c("label_start_char", I, "Where the label's span starts in the source (as the claims' offsets).", True),
        _c("label_end_char", I, "Where the label's span ends in the source.", True),
        _c("label_score", F, "The label's score among its candidate spans; null for noise.", True),
    ),
)

EDGES = TableSchema(
    "edges",
    "Relations between documents and between claims.",
    (
        _c("source_id", S, "doc_id or sentence_id the edge starts from (the answering side)."),
        _c("target_id", S, "doc_id or sentence_id it points to (what is answered)."),
        _c("level", S, "document or claim."),
        _c("relation", S, "reply, support or attack."),
        _c("score", F, "Strength in [0, 1]."),
        _c("reason", S, "Why the edge exists, in words."),
    ),
)

ALL_TABLES = {t.name: t for t in (DOCUMENTS, SENTENCES, CLUSTERS, EDGES, BLOCKS, EMBEDDINGS, ASSIGNMENTS, STANCES)}
