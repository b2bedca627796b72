"""How often stance takes a side where nothing in the debate is argued.

`corpora/structure-pages/` holds pages written for the project on other topics (cloud costs, queues,
meetings, inventory...): every claim there is neutral in this debate. The stages ingest, sentences
and stance run on that corpus alone, in a scratch folder with the shipped models, and each claim's
label is counted read alone (`stance_own`) and in context (`stance`). A claim given a position here
is a claim about another topic pulled to a side, one of the failure kinds to watch on real pages.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.runtime.scratch import read_in_scratch

CORPUS = "structure-pages"


SUBSETS = ("all_pages", "pages_the_topic_gate_never_saw", "pages_the_topic_gate_trained_on")


def off_debate_counts(p, root: Path) -> dict[str, Any]:
    """Stance counts on the structure pages with the models under `root`/models (nothing in `root` is
    written): on every page, and apart on the half of the pages whose claims never trained the topic
    gate (pipeline.stance_topic.trains_topic_gate) and the half that did."""
    from pipeline.stance import LabelSpace
    from pipeline.stance_topic import trains_topic_gate

    labels = LabelSpace.from_params(p.stance)
    frames = read_in_scratch(p, root, CORPUS)
    sentences = frames["sentences"][["sentence_id", "source"]]
    stances = frames["stances"].merge(sentences, on="sentence_id", how="left", validate="one_to_one")
    trained = stances["source"].astype(str).map(trains_topic_gate).astype(bool)
    pages = frames["documents"]["source"].astype(str)
    out: dict[str, Any] = {"corpus": CORPUS, "pages": int(pages.nunique()), "claims": len(stances),
                           "stance": {"ngrams": p.stance.ngrams, "context": p.stance.context,
                                      "topic_weight": p.stance.topic_weight}}
    for subset, rows in zip(SUBSETS, (stances, stances[~trained], stances[trained])):
        sub: dict[str, Any] = {"pages": int(rows["source"].nunique()), "claims": len(rows)}
        for name, column in (("alone", "stance_own"), ("in_context", "stance")):
            counts = Counter(rows[column])
            sub[name] = {"positions": int(sum(v for k, v in counts.items() if k != labels.neutral)),
                         "per_label": {k: int(counts.get(k, 0)) for k in labels.names}}
        out[subset] = sub
    return out


def off_debate_markdown(result: dict[str, Any]) -> str:
    names = list(result["all_pages"]["alone"]["per_label"])
    lines = [
        "# Stance where nothing in the debate is argued",
        "",
        f"`argmap-bench quality stance-off-debate`: the {result['pages']} pages of `corpora/{result['corpus']}/` "
        f"(other topics; every claim neutral in this debate), {result['claims']} claims, read with the shipped "
        f"models (`stance.ngrams: {str(result['stance']['ngrams']).lower()}`, "
        f"`stance.context: {str(result['stance']['context']).lower()}`, "
        f"`stance.topic_weight: {result['stance']['topic_weight']}`). Fewer positions is better. The claims of "
        "half the pages train the topic gate (`corpora/training/off_debate/`); the other half is its fair measure.",
        "",
        "| pages | read | claims given a position | " + " | ".join(names) + " |",
        "|---|---|---:|" + "---:|" * len(names),
    ]
    for subset in SUBSETS:
        sub = result[subset]
        for name in ("alone", "in_context"):
            row = sub[name]
            share = row["positions"] / sub["claims"] if sub["claims"] else 0.0
            lines.append(f"| {subset.replace('_', ' ')} ({sub['pages']}) | {name.replace('_', ' ')} | "
                         f"{row['positions']} of {sub['claims']} ({share:.1%}) | "
                         + " | ".join(str(v) for v in row["per_label"].values()) + " |")
    return "\n".join(lines) + "\n"
