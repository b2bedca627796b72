"""The stage registry: every DVC stage declared once, in dvc.yaml's order.

A stage's name is its params.yaml section, its `argmap` command and its runner,
`pipeline.runners.<name>(params)`, which loads the inputs, calls the stage's pure function and
writes the outputs. dvc.yaml repeats what is declared here and is checked against it
(tests/test_registry.py): params, outs, metrics and plots as below, and as deps the data inputs
below plus the code the runner imports (pipeline/code_deps.py). `argmap stages` prints the
deps each stage should list.

Only pipeline.paths is imported here: the warm entry point reads the stage names before it
imports anything heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import paths

RUNNERS = "pipeline.runners"


@dataclass(frozen=True)
class Out:
    """A file or folder a stage writes, with its dvc.yaml flags."""

    path: Path
    persist: bool = True  # kept when the stage reruns: a failed run leaves the previous output
    cache: bool = True  # False for metrics and plots: small, read in git diffs


def metric(path: Path) -> Out:
    return Out(path, persist=True, cache=False)


def shipped(path: Path) -> Out:
    """Trained weights kept in git (float16, see pipeline.encoder.save_model): a fresh clone whose
    inputs match dvc.lock uses them and skips training; `dvc repro -f <stage>` rebuilds them."""
    return Out(path, persist=True, cache=False)


@dataclass(frozen=True)
class Stage:
    name: str
    params: tuple[str, ...]  # dvc.yaml `params:` entries (sections or dotted keys of params.yaml)
    inputs: tuple[str | Path, ...]  # data the stage reads: corpora and other stages' outs
    outs: tuple[Out, ...] = ()
    metrics: tuple[Out, ...] = ()
    plots: tuple[Out, ...] = ()

    @property
    def cmd(self) -> str:
        return f"argmap {self.name}"

    @property
    def runner(self) -> str:
        """The runner function as `module:function`."""
        return f"{RUNNERS}:{self.name}"


# embed.workers is never a param dep: how many processes encode changes no output.
EMBEDDER = ("embed.model", "embed.model_package", "embed.batch_size")
# The stages that run the embedder also name its back-end (train_claims trains on torch's vectors).
EMBEDDER_RUN = (*EMBEDDER, "embed.backend")

# The debate-set files the pair model and the claim detector train on (params train_stance.debate,
# train_claims.debate; tests/test_registry.py checks that every file params names is a dep). The
# n-gram layer reads more of the folder, the claim detector one more file: a file written for either
# alone does not retrain the pair model.
PAIR_MODEL_DEBATE = tuple(f"corpora/training/debate/train_{k}.csv" for k in "abcdefghijl")
CLAIMS_ONLY_DEBATE = ("corpora/training/debate/train_p.csv",)

STAGES: tuple[Stage, ...] = (
    Stage(
        "ingest",
        params=("ingest",),
        inputs=("corpora",),
        outs=(Out(paths.DOCUMENTS), Out(paths.REJECTS), Out(paths.INGEST_REPORT), Out(paths.BLOCKS)),
    ),
    Stage(
        "train_encoder",
        params=("base.seed", "train_encoder"),
        # train_encoder.groups and .held_out: the encoder reads these two files and nothing else
        inputs=("corpora/training/argkp2021_train.csv", "corpora/training/argkp2021_dev.csv"),
        outs=(shipped(paths.ENCODER_MODEL),),
        metrics=(metric(paths.TRAIN_ENCODER_METRICS),),
    ),
    Stage(
        "train_claims",
        params=("base", "ingest", "sentences", "stance.labels", *EMBEDDER, "train_claims"),
        inputs=(paths.ENCODER_MODEL, "corpora/annotations", "corpora/seed-blogs", *PAIR_MODEL_DEBATE,
                *CLAIMS_ONLY_DEBATE, "corpora/training/passages", "corpora/evaluation/debate_held_out.csv",
                "corpora/evaluation/debate_held_out_b.csv", "corpora/evaluation/passages_held_out.csv"),
        outs=(shipped(paths.CLAIM_MODEL),),
        metrics=(metric(paths.TRAIN_CLAIMS_METRICS),),
    ),
    Stage(
        "train_stance",
        params=("base.seed", "ingest.corpora_dir", "train_stance", "stance.labels", "stance.neutral_label"),
        inputs=("corpora/training/pairs", *PAIR_MODEL_DEBATE, "corpora/training/passages",
                "corpora/evaluation/debate_held_out.csv",
                "corpora/evaluation/argkp2021_test.csv", "corpora/evaluation/perspectrum_test.csv",
                "corpora/annotations", "corpora/seed-blogs"),
        outs=(shipped(paths.STANCE_MODEL),),
        metrics=(metric(paths.TRAIN_STANCE_METRICS),),
        plots=(metric(paths.STANCE_CONFUSION_HIGH), metric(paths.STANCE_CONFUSION_ALL),
               metric(paths.STANCE_CONFUSION_HELD_OUT), metric(paths.STANCE_RELIABILITY)),
    ),
    Stage(
        "train_ngrams",
        params=("train_ngrams", "train_stance.calibration_share", "stance.labels", "stance.neutral_label",
                "stance.affirmed_weight", "embed.batch_size", "embed.backend"),
        inputs=("corpora/training/debate", "corpora/evaluation/debate_held_out.csv",
                "corpora/evaluation/debate_held_out_b.csv", "corpora/evaluation/passages_held_out.csv",
                paths.STANCE_MODEL),
        outs=(shipped(paths.NGRAM_MODEL),),
        metrics=(metric(paths.TRAIN_NGRAMS_METRICS),),
    ),
    Stage(
        "train_topic",
        params=("train_topic", "stance.labels", "stance.neutral_label", "embed.batch_size", "embed.backend"),
        inputs=("corpora/training/debate", "corpora/training/off_debate", "corpora/evaluation/debate_held_out.csv",
                "corpora/evaluation/debate_held_out_b.csv", paths.STANCE_MODEL),
        outs=(shipped(paths.TOPIC_MODEL),),
        metrics=(metric(paths.TRAIN_TOPIC_METRICS),),
    ),
    Stage(
        "train_context",
        params=("train_context", "stance.ngrams", "stance.labels", "stance.neutral_label", "stance.affirmed_weight",
                "embed.batch_size", "embed.backend"),
        inputs=("corpora/training/passages", "corpora/evaluation/passages_held_out.csv", paths.STANCE_MODEL,
                paths.NGRAM_MODEL),
        outs=(shipped(paths.CONTEXT_MODEL),),
        metrics=(metric(paths.TRAIN_CONTEXT_METRICS),),
    ),
    Stage(
        "sentences",
        params=("sentences", *EMBEDDER_RUN),
        inputs=(paths.ENCODER_MODEL, paths.DOCUMENTS, paths.BLOCKS, paths.CLAIM_MODEL),
        outs=(Out(paths.SENTENCES_SCORED),),
    ),
    Stage(
        "embed",
        params=EMBEDDER_RUN,
        inputs=(paths.ENCODER_MODEL, paths.SENTENCES_SCORED),
        outs=(Out(paths.EMBEDDINGS),),
    ),
    Stage(
        "cluster",
        params=("base", "cluster"),
        inputs=(paths.EMBEDDINGS, paths.SENTENCES_SCORED, paths.STANCES),  # stances: cluster.within = stance
        outs=(Out(paths.ASSIGNMENTS),),
    ),
    Stage(
        "stance",
        params=("embed.batch_size", "embed.backend", "stance"),
        inputs=(paths.SENTENCES_SCORED, paths.DOCUMENTS, paths.STANCE_MODEL, paths.NGRAM_MODEL, paths.CONTEXT_MODEL,
                paths.TOPIC_MODEL),
        outs=(Out(paths.STANCES),),
    ),
    Stage(
        "relate",
        params=("relate", "stance"),
        inputs=(paths.SENTENCES_SCORED, paths.STANCES, paths.EMBEDDINGS, paths.ASSIGNMENTS, paths.DOCUMENTS),
        outs=(Out(paths.EDGES),),
    ),
    Stage(
        "argmap",
        params=("argmap", "cluster", "stance", "sentences.spacy_model"),
        inputs=(paths.DOCUMENTS, paths.SENTENCES_SCORED, paths.STANCES, paths.ASSIGNMENTS, paths.EMBEDDINGS,
                paths.EDGES),
        outs=(Out(paths.SENTENCES), Out(paths.CLUSTERS), Out(paths.ARGMAP), Out(paths.ARGMAP_AIF),
              Out(paths.ARGMAP_ARGDOWN), Out(paths.ARGMAP_GRAPHML)),
    ),
    Stage(
        "report",
        params=("stance.neutral_label",),
        inputs=(paths.ARGMAP, paths.DOCUMENTS),
        outs=(Out(paths.REPORT),),
    ),
    Stage(
        "evaluate",
        params=("evaluate", "ingest.max_file_bytes"),
        inputs=("corpora/annotations", "corpora/structure-pages", "corpora/structure-held-out", paths.DOCUMENTS,
                paths.REJECTS, paths.INGEST_REPORT, paths.SENTENCES, paths.CLUSTERS, paths.EDGES),
        metrics=(metric(paths.STRUCTURE_METRICS), metric(paths.MAP_METRICS), metric(paths.STANCE_METRICS)),
        plots=(metric(paths.RELATION_DETAILS),),
    ),
)

NAMES: tuple[str, ...] = tuple(stage.name for stage in STAGES)


def get(name: str) -> Stage:
    for stage in STAGES:
        if stage.name == name:
            return stage
    raise KeyError(f"no stage {name!r}; stages: {', '.join(NAMES)}")
