"""Load and validate params.yaml: a typo or a bad value fails with its dotted key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.errors import ArgmapError
from pipeline.safe_repr import one_line, safe_repr


class ParamsError(ArgmapError, ValueError):
    """params.yaml is missing, unreadable or invalid. The message names the key."""


class _Section(BaseModel):
    # No defaults here: params.yaml is the one place defaults live. Strict: "yes" is not a
    # boolean, true is not a number, 2.0 is not a whole number; inf and nan are not numbers.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_in_64_bits(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            raise ValueError("too large: a whole number must fit in 64 bits")
        return value


class Base(_Section):
    seed: int = Field(ge=0, le=2**32 - 1)  # numpy.random.RandomState takes no other seed
    engine: Literal["local", "dask"]
    scheduler_address: str | None


class Ingest(_Section):
    corpora_dir: str
    corpora: list[str] = Field(min_length=1)
    max_file_bytes: int = Field(gt=0)


class Sentences(_Section):
    spacy_model: str = Field(min_length=1)
    claim_threshold: float = Field(ge=0, le=1)
    min_claim_words: int = Field(ge=1)


class Embed(_Section):
    model: str = Field(min_length=1)
    model_package: str | None
    batch_size: int = Field(ge=1, le=4096)
    workers: int = Field(ge=0, le=256)
    backend: Literal["torch", "onnx", "onnx-int8"]


class Cluster(_Section):
    min_cluster_size: int = Field(ge=2)
    min_cluster_fraction: float = Field(ge=0, lt=0.5)
    min_cluster_size_max: int = Field(ge=2)
    within: Literal["all", "stance"]
    min_samples: int = Field(ge=1)
    cluster_selection_method: Literal["eom", "leaf"]
    cluster_selection_epsilon: float = Field(ge=0)
    reduce: Literal["none", "pca", "umap"]
    reduce_dims: int = Field(ge=2)
    sample_size: int = Field(ge=0)
    merge_min_similarity: float | None = Field(ge=-1, le=1)
    refine_iterations: int = Field(ge=0, le=100)
    reassign_noise: bool
    reassign_min_similarity: float = Field(ge=-1, le=1)
    noise_pass_min_size: int = Field(ge=0)
    attach_min_similarity: float | None = Field(ge=-1, le=1)
    lexical_weight: float = Field(ge=0, le=1)
    lexical_dims: int = Field(ge=2)
    keywords: int = Field(ge=1)


class TrainEncoder(_Section):
    base_model: str = Field(min_length=1)
    base_package: str | None
    groups: str = Field(min_length=1)
    held_out: str | None
    epochs: int = Field(ge=0, le=100)
    learning_rate: float = Field(gt=0, le=1)
    temperature: float = Field(gt=0, le=10)
    max_group: int = Field(ge=4, le=4096)


class TrainClaims(_Section):
    annotations: str
    debate: list[str]
    passages: list[str]
    held_out: list[str]
    passages_held_out: str | None
    mode: Literal["rules", "classifier", "combined", "ensemble"]
    C: float = Field(gt=0)


class TrainStance(_Section):
    base_model: str = Field(min_length=1)
    base_package: str | None
    pairs: list[str] = Field(min_length=1)
    debate: list[str] = Field(min_length=1)
    passages: list[str]
    held_out: str = Field(min_length=1)
    annotations: str = Field(min_length=1)
    dev: dict[str, str]
    benchmarks: dict[str, str]
    epochs: int = Field(ge=1, le=50)
    batch_size: int = Field(ge=2, le=1024)
    encoder_learning_rate: float = Field(gt=0, le=1)
    head_learning_rate: float = Field(gt=0, le=1)
    public_pairs_per_epoch: int = Field(ge=0)
    public_weight: float = Field(ge=0)
    calibration_share: float = Field(gt=0, lt=1)
    max_seq_length: int = Field(ge=16, le=512)
    hidden: int = Field(ge=8, le=4096)
    dropout: float = Field(ge=0, lt=1)
    against_targets: bool


class TrainNgrams(_Section):
    debate: list[str] = Field(min_length=1)
    held_out: list[str]
    passages_held_out: str = Field(min_length=1)
    C: float = Field(gt=0)
    ngram_max: int = Field(ge=1, le=5)
    min_df: int = Field(ge=1)


class TrainContext(_Section):
    passages: list[str] = Field(min_length=1)
    held_out: str = Field(min_length=1)
    l2_grid: list[float] = Field(min_length=1)
    folds: int = Field(ge=2, le=50)
    short_words: int = Field(ge=0, le=100)

    @field_validator("l2_grid")
    @classmethod
    def _positive(cls, grid: list[float]) -> list[float]:
        if any(v <= 0 for v in grid):
            raise ValueError(f"every L2 penalty must be > 0, got {safe_repr(grid, 200)}")
        return grid


class TrainTopic(_Section):
    debate: list[str] = Field(min_length=1)
    off_debate: str = Field(min_length=1)
    held_out: list[str]
    C: float = Field(gt=0)


class Label(_Section):
    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = Field(min_length=1)
    terms: list[str]
    examples: list[str]


class Stance(_Section):
    labels: list[Label] = Field(min_length=2)
    neutral_label: str
    ngrams: bool  # add the n-gram layer (models/ngrams) to the pair model's reading of a claim's own words
    context: bool  # read each claim beside its neighbours and heading (models/context), or alone
    # the share of an "X, not Y" sentence's reading taken from its affirmed part alone (pipeline/contrast.py)
    affirmed_weight: float = Field(ge=0, le=1)
    # how far the topic gate (models/topic) moves a claim it finds off-debate to neutral (0: not at all)
    topic_weight: float = Field(ge=0, le=5)

    @model_validator(mode="after")
    def _neutral_is_a_label(self) -> Stance:
        names = [label.name for label in self.labels]
        if len(set(names)) != len(names):
            raise ValueError(f"label names must be unique, got {safe_repr(names, 200)}")
        if self.neutral_label not in names:
            raise ValueError(
                f"neutral_label {safe_repr(self.neutral_label)} is not one of the labels {safe_repr(names, 200)}"
            )
        return self

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]


class Relate(_Section):
    min_similarity: float = Field(ge=-1, le=1)
    top_k: int = Field(ge=1)
    keypoint_min_similarity: float = Field(ge=-1, le=1)


class Argmap(_Section):
    top_claims: int = Field(ge=1)


class Evaluate(_Section):
    annotations_dir: str


class Params(_Section):
    base: Base
    ingest: Ingest
    sentences: Sentences
    embed: Embed
    cluster: Cluster
    train_encoder: TrainEncoder
    train_claims: TrainClaims
    train_stance: TrainStance
    train_ngrams: TrainNgrams
    train_context: TrainContext
    train_topic: TrainTopic
    stance: Stance
    relate: Relate
    argmap: Argmap
    evaluate: Evaluate

    @model_validator(mode="after")
    def _context_layer_reads_unseen_passages(self) -> Params:
        # The context layer weighs the pair model's readings; on sentences it trained on they are
        # over-confident, so the layer must be fitted on passages the pair model never read.
        shared = sorted(set(self.train_stance.passages) & set(self.train_context.passages))
        if shared:
            raise ValueError(f"train_context.passages must not list a file of train_stance.passages, "
                             f"got {safe_repr(shared, 200)} in both")
        return self


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{key}: unknown key (a typo?)"
    if kind == "missing":
        return f"{key}: required key is missing"
    # The value is shown cut short: it may be a whole section, or an alias-expanded YAML bomb.
    got = safe_repr(error.get("input"))
    msg = error["msg"]
    if kind == "value_error":  # our own validators; a section's check names the values itself
        detail = msg.removeprefix("Value error, ")
        return f"{key}: {detail}" if isinstance(error.get("input"), dict) else f"{key}: got {got}: {detail}"
    if kind == "literal_error":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"{key}: got {got}, allowed: {allowed}"
    allowed = _allowed_range(error["loc"])
    return f"{key}: got {got}: {msg}" + (f" (allowed: {allowed})" if allowed else "")


def _allowed_range(loc: tuple) -> str:
    """'a number from 0 to 1' for a bounded field at `loc`, from its declared bounds; '' if none."""
    model: Any = Params
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if not isinstance(part, str) or fields is None or part not in fields:
            return ""
        info = fields[part]
        model = info.annotation
    if info is None:
        return ""
    if info.annotation is bool:
        return "true or false"
    bounds = {name.capitalize(): getattr(m, name) for m in info.metadata
              for name in ("ge", "gt", "le", "lt") if hasattr(m, name)}
    kind = "a whole number" if info.annotation is int else "a number"
    if "Ge" in bounds and "Le" in bounds:
        return f"{kind} from {bounds['Ge']} to {bounds['Le']}"
    words = {"Ge": "at least", "Gt": "above", "Le": "at most", "Lt": "below"}
    parts = [f"{words[k]} {bounds[k]}" for k in ("Ge", "Gt", "Le", "Lt") if k in bounds]
    return f"{kind} {' and '.join(parts)}" if parts else ""


_MAX_PROBLEMS = 5


def parse_params(raw: Any, where: str = "params.yaml") -> Params:
    """Validate a parsed params mapping; raise ParamsError naming the bad keys (the first five)."""
    if not isinstance(raw, dict):
        raise ParamsError(f"{where}: expected a mapping of sections, got {type(raw).__name__}")
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        problems = "; ".join(_describe(e) for e in errors[:_MAX_PROBLEMS])
        more = f"; and {len(errors) - _MAX_PROBLEMS} more" if len(errors) > _MAX_PROBLEMS else ""
        raise ParamsError(f"{where}: {problems}{more}") from None


def load_params(path: str | Path = "params.yaml") -> Params:
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{path}: not found (run from the project folder, or pass --params)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: not UTF-8, or an integer of 5000 digits
        raise ParamsError(f"{path}: not valid YAML: {one_line(exc)}") from None
    except RecursionError:
        raise ParamsError(f"{path}: not valid YAML: nested too deeply") from None
    return parse_params(raw, str(path))
