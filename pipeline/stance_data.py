"""Stance training data: (text, position, relation) pairs from public datasets and the debate set.

The one reader of ArgKP-2021's files is here (`read_argkp`): the stance pairs, the encoder's key
point groups (`argmap encoder-groups`) and the clustering benchmark all read the dataset through it.
A pair says whether a text argues *for* a position statement, *against* it, or *neither*. Public
datasets teach that relation across many debates (ArgKP-2021: argument vs. motion and key point;
PERSPECTRUM: perspective vs. claim); the debate set, written for this project's label set, teaches
it for the positions in `params.yaml`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import AnnotationError
from pipeline.io import InputError, read_csv_records

logger = logging.getLogger(__name__)

RELATIONS = ("for", "against", "neither")
PAIR_COLUMNS = ("text", "position", "relation", "group")
ITEM_COLUMNS = ("dataset", "split", "group", "item_id", "text", "gold")
DEBATE_COLUMNS = ("id", "register", "text", "is_claim", "stance", "hard_case", "pair", "note")
REGISTERS = ("blog", "newsletter", "forum", "reply", "headline", "list_item", "social", "qa")
# Where a sentence of each register sits on a page, as the claim detector's context cues read it.
REGISTER_ROLE = {"blog": "body", "newsletter": "body", "forum": "body", "reply": "body", "qa": "body",
                 "social": "body", "headline": "heading", "list_item": "list_item"}
REGISTER_KIND = {"forum": "comment", "reply": "comment"}


def stable_pick(key: str, n: int) -> int:
    """A deterministic index in [0, n) from a string (no RNG state, same on every machine)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:12], 16) % n


# ----------------------------------------------------------------------------- public datasets


ARGKP_FOLDERS = {"train": "kpm_data", "dev": "kpm_data", "test": "test_data"}
ARGKP_TABLES = ("arguments", "key_points", "labels")


def read_argkp(argkp_dir: str | Path, split: str, tables: Sequence[str] = ARGKP_TABLES) -> dict[str, pd.DataFrame]:
    """ArgKP-2021's `tables` of one split (arguments, key_points, labels), every cell the string the
    file holds: ids, texts and the 1/-1 stance and 1/0 label codes as written."""
    if split not in ARGKP_FOLDERS:
        raise InputError(f"ArgKP-2021 split {split!r} unknown; use one of {', '.join(ARGKP_FOLDERS)}")
    files = {name: Path(argkp_dir) / ARGKP_FOLDERS[split] / f"{name}_{split}.csv" for name in tables}
    for path in files.values():
        if not path.is_file():
            raise InputError(f"{path}: ArgKP-2021 file not found (point --argkp-dir at the dataset folder)")
    return {name: pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            for name, path in files.items()}


def argkp_items(argkp_dir: str | Path, split: str) -> pd.DataFrame:
    """ArgKP-2021 arguments that match exactly one key point; that key point is the gold cluster.

    One group per (topic, stance): key points are written per topic and stance, so an argument
    can only belong to a key point of its own group. Columns: dataset, split, group, item_id, text,
    gold (the items the clustering benchmark scores and `argmap encoder-groups` trains on).
    """
    data = read_argkp(argkp_dir, split, ("arguments", "labels"))
    matches: dict[str, list[str]] = {}
    for arg_id, kp_id, label in data["labels"][["arg_id", "key_point_id", "label"]].itertuples(index=False):
        if label.strip() == "1":
            matches.setdefault(arg_id, []).append(kp_id)
    rows = []
    for arg in data["arguments"].itertuples(index=False):
        kps = matches.get(arg.arg_id, [])
        if len(kps) != 1:
            continue
        stance = "pro" if arg.stance.strip() == "1" else "con"
        rows.append({"dataset": "argkp", "split": split, "group": f"{arg.topic} | {stance}",
                     "item_id": arg.arg_id, "text": arg.argument, "gold": kps[0]})
    logger.info("ArgKP-2021 %s: %d arguments matching exactly one key point", split, len(rows))
    return pd.DataFrame(rows, columns=list(ITEM_COLUMNS)).astype(str)


def argkp_pairs(argkp_dir: str | Path, split: str, *, key_points: bool = True) -> pd.DataFrame:
    """ArgKP-2021 as pairs: each argument for/against its motion; with `key_points`, also for the
    key point it matches and neither for one of its side's that it does not match (about the
    topic, not that point)."""
    data = read_argkp(argkp_dir, split)
    args = data["arguments"]
    kps = data["key_points"].set_index("key_point_id")
    labels = data["labels"]
    rows = [{"text": a.argument, "position": a.topic, "relation": "for" if int(a.stance) == 1 else "against",
             "group": f"argkp/{a.topic}"} for a in args.itertuples(index=False)]
    if not key_points:
        return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
    for arg_id, part in labels.sort_values(["arg_id", "key_point_id"]).groupby("arg_id", sort=True):
        arg = args.loc[args["arg_id"] == arg_id].iloc[0]
        matched = part[part["label"].str.strip() == "1"]["key_point_id"].tolist()
        unmatched = part[part["label"].str.strip() == "0"]["key_point_id"].tolist()
        if matched:
            kp = matched[stable_pick(arg_id, len(matched))]
            rows.append({"text": arg.argument, "position": kps.loc[kp, "key_point"], "relation": "for",
                         "group": f"argkp/{arg.topic}"})
        if unmatched:
            kp = unmatched[stable_pick(arg_id + "/0", len(unmatched))]
            rows.append({"text": arg.argument, "position": kps.loc[kp, "key_point"], "relation": "neither",
                         "group": f"argkp/{arg.topic}"})
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def perspectrum_pairs(perspectrum_dir: str | Path, split: str) -> pd.DataFrame:
    """PERSPECTRUM as pairs: each perspective (every paraphrase in its cluster) for or against its
    claim; and, for a sample, neither towards a claim of another debate."""
    root = Path(perspectrum_dir)
    paths = [root / "perspectrum_with_answers_v1.0.json", root / "dataset_split_v1.0.json",
             root / "perspective_pool_v1.0.json"]
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: PERSPECTRUM file not found (point --perspectrum-dir at the dataset folder)")
    claims = json.loads(paths[0].read_text(encoding="utf-8"))
    splits = json.loads(paths[1].read_text(encoding="utf-8"))
    pool = {p["pId"]: p["text"] for p in json.loads(paths[2].read_text(encoding="utf-8"))}
    chosen = sorted((c for c in claims if splits.get(str(c["cId"])) == split), key=lambda c: c["cId"])
    relation = {"SUPPORT": "for", "UNDERMINE": "against"}
    rows = []
    for i, claim in enumerate(chosen):
        for cluster in claim["perspectives"]:
            rel = relation.get(cluster["stance_label_3"])
            if rel is None:
                continue
            for pid in sorted(cluster["pids"]):
                if pid in pool:
                    rows.append({"text": pool[pid], "position": claim["text"], "relation": rel,
                                 "group": f"perspectrum/{claim['cId']}"})
        if len(chosen) > 1 and claim["perspectives"]:
            other = chosen[(i + 1 + stable_pick(str(claim["cId"]), len(chosen) - 1)) % len(chosen)]
            pid = sorted(claim["perspectives"][0]["pids"])[0]
            if pid in pool:
                rows.append({"text": pool[pid], "position": other["text"], "relation": "neither",
                             "group": f"perspectrum/{claim['cId']}"})
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def read_pairs(path: str | Path) -> pd.DataFrame:
    """A pairs CSV (text, position, relation, group); a bad relation names its line."""
    records = []
    for line, rec in read_csv_records(path, PAIR_COLUMNS, error=AnnotationError,
                                      missing_hint="stance pairs file not found (rebuild with `argmap stance-pairs`)"):
        if rec["relation"] not in RELATIONS:
            raise AnnotationError(f"{path}:{line}: relation {rec['relation']!r} is not one of {list(RELATIONS)}")
        records.append({c: rec[c] for c in PAIR_COLUMNS})
    return pd.DataFrame(records, columns=list(PAIR_COLUMNS))


# ----------------------------------------------------------------------------- the debate set


def _check_labelled_row(rec: dict, where: str, label_names: Sequence[str], allowed: dict[str, Sequence[str]]) -> None:
    """A written row's stance, is_claim, text and enumerated columns (`allowed`), or one clear error."""
    if rec["stance"] not in label_names:
        raise AnnotationError(f"{where}: stance {rec['stance']!r} is not a label in params stance.labels "
                              f"({', '.join(label_names)}); fix the row or add the label to params.yaml")
    if rec["is_claim"] not in ("0", "1"):
        raise AnnotationError(f"{where}: is_claim must be 0 or 1, got {rec['is_claim']!r}")
    for col, values in allowed.items():
        if rec[col] not in values:
            raise AnnotationError(f"{where}: {col} {rec[col]!r} is not one of {list(values)}")
    if not rec["text"].strip():
        raise AnnotationError(f"{where}: empty text")


def _against(rec: dict, where: str, label_names: Sequence[str]) -> str:
    """The optional `against` column: the labels a row argues against, `;`-separated (or empty)."""
    names = [name.strip() for name in (rec.get("against") or "").split(";") if name.strip()]
    for name in names:
        if name not in label_names:
            raise AnnotationError(f"{where}: against {name!r} is not a label in params stance.labels "
                                  f"({', '.join(label_names)})")
        if name == rec["stance"]:
            raise AnnotationError(f"{where}: a row cannot argue against its own stance {name!r}")
    if len(set(names)) < len(names):
        raise AnnotationError(f"{where}: against lists a label twice: {rec['against']!r}")
    return ";".join(names)


def read_debate_set(paths: Sequence[str | Path], label_names: Sequence[str]) -> pd.DataFrame:
    """Debate-set sentences from one or more CSVs; each row's label must be in the label set.

    An optional `against` column names the positions a row argues against (`;`-separated); it is
    empty where the file has no such column. An unknown label, register or is_claim value fails with
    the file and line, and what is allowed.
    """
    records = []
    for path in paths:
        for line, rec in read_csv_records(path, DEBATE_COLUMNS, error=AnnotationError,
                                          missing_hint="debate set file not found (see params.yaml)"):
            where = f"{path}:{line}"
            _check_labelled_row(rec, where, label_names, {"register": REGISTERS})
            records.append({**{c: rec[c] for c in DEBATE_COLUMNS}, "is_claim": int(rec["is_claim"]),
                            "against": _against(rec, where, label_names), "file": Path(path).name, "line": line})
    frame = pd.DataFrame(records, columns=[*DEBATE_COLUMNS, "against", "file", "line"])
    dupes = frame["id"][frame["id"].duplicated()]
    if len(dupes):
        raise AnnotationError(f"debate set: id {dupes.iloc[0]!r} appears more than once")
    return frame


def debate_frame(debate: pd.DataFrame) -> pd.DataFrame:
    """The debate set as a sentence frame the claim detector reads (role and kind from the register)."""
    return pd.DataFrame({
        "sentence_id": "debate/" + debate["id"].astype(str),
        "doc_id": "debate/" + debate["id"].astype(str),
        "source": "debate/" + debate["file"].astype(str),
        "text": debate["text"].astype(str),
        "role": debate["register"].map(REGISTER_ROLE).fillna("body"),
        "kind": debate["register"].map(REGISTER_KIND).fillna("article"),
        "is_claim": debate["is_claim"].astype(int),
        "gold_stance": debate["stance"].astype(str),
        "confidence": "high",
    })


PASSAGE_COLUMNS = ("passage_id", "register", "seq", "block", "role", "text", "is_claim", "stance", "hard_case", "note")
PASSAGE_REGISTERS = ("blog", "newsletter", "forum", "qa", "listicle", "linkedin")
PASSAGE_ROLES = ("title", "heading", "body", "list_item", "comment")


def read_passages(paths: Sequence[str | Path], label_names: Sequence[str]) -> pd.DataFrame:
    """Passages (consecutive sentences of one page, each labelled in its context) from CSVs, in
    reading order. A bad row fails with its file and line and what is allowed."""
    records = []
    for path in paths:
        for line, rec in read_csv_records(path, PASSAGE_COLUMNS, error=AnnotationError,
                                          missing_hint="passage file not found (see params.yaml)"):
            where = f"{path}:{line}"
            _check_labelled_row(rec, where, label_names, {"register": PASSAGE_REGISTERS, "role": PASSAGE_ROLES})
            if not (rec["seq"].isdigit() and rec["block"].isdigit()):
                raise AnnotationError(f"{where}: seq and block must be whole numbers, "
                                      f"got {rec['seq']!r}, {rec['block']!r}")
            records.append({**{c: rec[c] for c in PASSAGE_COLUMNS}, "seq": int(rec["seq"]), "block": int(rec["block"]),
                            "is_claim": int(rec["is_claim"]), "file": Path(path).name, "line": line})
    frame = pd.DataFrame(records, columns=[*PASSAGE_COLUMNS, "file", "line"])
    key = frame["file"] + ":" + frame["passage_id"]
    for _, part in frame.groupby(key, sort=False):
        if sorted(part["seq"]) != list(range(len(part))):
            raise AnnotationError(f"{part['file'].iloc[0]}: passage {part['passage_id'].iloc[0]!r} must number "
                                  f"its rows seq 0..{len(part) - 1}, once each")
    dupes = frame["passage_id"][~key.duplicated() & frame["passage_id"].duplicated()]
    if len(dupes):
        raise AnnotationError(f"passages: passage_id {dupes.iloc[0]!r} appears in more than one file")
    return frame.sort_values(["file", "passage_id", "seq"], kind="stable").reset_index(drop=True)


def passage_frame(passages: pd.DataFrame) -> pd.DataFrame:
    """Passages as a sentence frame the claim detector reads: each row keeps the role it has on its
    page, and a comment's sentences are of kind comment."""
    key = "passage/" + passages["file"].astype(str) + "/" + passages["passage_id"].astype(str)
    return pd.DataFrame({
        "sentence_id": key + ":" + passages["seq"].astype(str),
        "doc_id": key,
        "source": "passage/" + passages["file"].astype(str),
        "text": passages["text"].astype(str),
        "role": passages["role"].astype(str),
        "kind": np.where(passages["role"] == "comment", "comment", "article"),
        "is_claim": passages["is_claim"].astype(int),
        "gold_stance": passages["stance"].astype(str),
        "confidence": "high",
    })


# The debate-set register a passage row reads as when the pair model trains on it alone.
ROLE_REGISTER = {"title": "headline", "heading": "headline", "list_item": "list_item", "comment": "reply"}
PASSAGE_REGISTER = {"listicle": "blog", "linkedin": "social"}


def passage_debate_rows(passages: pd.DataFrame) -> pd.DataFrame:
    """Passage rows as debate-set rows (`read_debate_set`'s frame), each sentence on its own: the
    pair model reads a sentence alone, so rows whose label comes from their neighbours or heading
    (hard case `context`) are left out. Ids are `pa-<passage_id>-<seq>`; the register comes from the
    row's role on its page (a title is a headline, a comment a reply), else from the passage's."""
    rows = passages[passages["hard_case"] != "context"]
    register = rows["role"].map(ROLE_REGISTER).fillna(rows["register"].replace(PASSAGE_REGISTER))
    return pd.DataFrame({
        "id": "pa-" + rows["passage_id"].astype(str) + "-" + rows["seq"].astype(str),
        "register": register, "text": rows["text"], "is_claim": rows["is_claim"], "stance": rows["stance"],
        "hard_case": rows["hard_case"], "pair": "", "note": rows["note"], "against": "",
        "file": rows["file"], "line": rows["line"],
    }).reset_index(drop=True)
