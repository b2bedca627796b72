"""How often stance takes a side where nothing in the debate is argued.

`corpora/structure-pages/` holds pages written for the project on other topics (cloud costs, queues,
meetings, inventory...): every claim there is neutral in this debate. The stages ingest, sentences
and stance run on that corpus alone, in a scratch folder with the shipped models, and each claim's
label is counted read alone (`stance_own`) and in context (`stance`). A claim given a position here
is a claim about another topic pulled to a side, one of the failure kinds to watch on real pages.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

CORPUS = "structure-pages"


def read_in_scratch(p, root: Path, corpus: str) -> dict[str, Any]:
    """Run ingest, sentences and stance on one corpus of `root`/corpora in a scratch folder, with the
    models under `root`/models; returns the documents, the scored sentences and the stances (nothing in
    `root` is written)."""
    import pandas as pd

    from pipeline import paths, runners
    from pipeline.params import parse_params

    raw = p.model_dump()
    raw["ingest"] = {**raw["ingest"], "corpora_dir": str((root / p.ingest.corpora_dir).resolve()),
                     "corpora": [corpus]}
    raw["embed"] = {**raw["embed"], "model": str((root / p.embed.model).resolve())
                    if (root / p.embed.model).exists() else p.embed.model}
    scratch_params = parse_params(raw)
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="argmap-scratch-") as tmp:
        os.symlink((root / paths.MODELS).resolve(), Path(tmp) / paths.MODELS)
        os.chdir(tmp)
        try:
            for stage in (runners.ingest, runners.sentences, runners.stance):
                stage(scratch_params)
            return {"documents": pd.read_parquet(paths.DOCUMENTS),
                    "sentences": pd.read_parquet(paths.SENTENCES_SCORED),
                    "stances": pd.read_parquet(paths.STANCES)}
        finally:
            os.chdir(here)


def off_debate_counts(p, root: Path) -> dict[str, Any]:
    """Stance counts on the structure pages with the models under `root`/models (nothing in `root` is written)."""
    from pipeline.stance import LabelSpace

    labels = LabelSpace.from_params(p.stance)
    frames = read_in_scratch(p, root, CORPUS)
    stances = frames["stances"]
    pages = frames["documents"]["source"].nunique()
    out: dict[str, Any] = {"corpus": CORPUS, "pages": int(pages), "claims": len(stances),
                           "stance": {"ngrams": p.stance.ngrams, "context": p.stance.context}}
    for name, column in (("in_context", "stance"), ("alone", "stance_own")):
        counts = Counter(stances[column])
        out[name] = {"positions": int(sum(v for k, v in counts.items() if k != labels.neutral)),
                     "per_label": {k: int(counts.get(k, 0)) for k in labels.names}}
    return out


def off_debate_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Stance where nothing in the debate is argued",
        "",
        f"`argmap-bench quality stance-off-debate`: the {result['pages']} pages of `corpora/{result['corpus']}/` "
        f"(other topics; every claim neutral in this debate), {result['claims']} claims, read with the shipped "
        f"models (`stance.ngrams: {str(result['stance']['ngrams']).lower()}`, "
        f"`stance.context: {str(result['stance']['context']).lower()}`). Fewer positions is better.",
        "",
        "| read | claims given a position | " + " | ".join(result["alone"]["per_label"]) + " |",
        "|---|---:|" + "---:|" * len(result["alone"]["per_label"]),
    ]
    for name in ("alone", "in_context"):
        row = result[name]
        lines.append(f"| {name.replace('_', ' ')} | {row['positions']} of {result['claims']} | "
                     + " | ".join(str(v) for v in row["per_label"].values()) + " |")
    return "\n".join(lines) + "\n"
