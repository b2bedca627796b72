"""A corpus read by the pipeline's first stages in a scratch folder, leaving the project untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def read_in_scratch(p, root: Path, corpus: str, *, stance: bool = True) -> dict[str, Any]:
    """Run ingest, sentences and (unless `stance` is False) stance on one corpus of `root`/corpora in a
    scratch folder, with the models under `root`/models; returns the documents, the scored sentences
    and the stances (nothing in `root` is written)."""
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
            runners.ingest(scratch_params)
            runners.sentences(scratch_params)
            out = {"documents": pd.read_parquet(paths.DOCUMENTS), "sentences": pd.read_parquet(paths.SENTENCES_SCORED)}
            if stance:
                runners.stance(scratch_params)
                out["stances"] = pd.read_parquet(paths.STANCES)
            return out
        finally:
            os.chdir(here)
