"""Does stance on one page of the debate improve when the model has also learned the other pages?

The shipped stance model never sees a seed page: `metrics/train_stance.json` scores every page
unseen. This experiment measures the other protocol, leave one page out: for each seed page,
start from the shipped model, continue fine-tuning its encoder and pair head on the annotated
sentences of the other pages (with as many debate-set training rows beside them, so the debate is
not forgotten), and score the page left out. The shipped model is never changed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PagesConfig:
    epochs: int = 2
    learning_rate: float = 2.0e-5  # the encoder's; the head's is five times higher
    replay: float = 1.0  # debate training rows per seed row in each fold's training set
    batch_size: int = 32


def leave_one_page_out(seeds: pd.DataFrame, debate: pd.DataFrame, *, load_start, cfg: PagesConfig,
                       seed: int) -> dict:
    """Macro-F1 of the shipped model (every page unseen) and of the leave-one-page-out models.

    `seeds`: text, stance, is_claim, confidence, doc; `debate`: text, stance (training rows only);
    `load_start()` returns a fresh (StanceModel, SentenceTransformer) pair of the shipped model."""
    import torch

    from pipeline.models import TorchEmbedder
    from pipeline.stance import label_scores

    model, _ = load_start()
    labels = model.labels
    y_seed = labels.index(seeds["stance"], "seed annotations line " + seeds.index.astype(str))
    y_debate = labels.index(debate["stance"], debate.index.astype(str))
    rng = np.random.default_rng(seed)
    unseen = np.zeros((len(seeds), len(labels.names)))
    pages = np.zeros((len(seeds), len(labels.names)))
    for page in sorted(seeds["doc"].unique()):
        test = (seeds["doc"] == page).to_numpy()
        model, encoder = load_start()
        embedder = TorchEmbedder(encoder)
        unseen[test] = _predict(model, embedder, seeds["text"][test].tolist())
        replay = rng.choice(len(debate), min(len(debate), int(cfg.replay * (~test).sum())), replace=False)
        texts = seeds["text"][~test].tolist() + debate["text"].iloc[replay].tolist()
        y = np.concatenate([y_seed[~test], y_debate[replay]])
        started = time.perf_counter()
        torch.manual_seed(seed)
        head = _continue_training(model, encoder, texts, y, cfg, rng)
        tuned = type(model)(labels, head, model.decision, model.base_model)
        embedder = TorchEmbedder(encoder)
        pages[test] = _predict(tuned, embedder, seeds["text"][test].tolist())
        logger.info("stance pages: %s left out, %d rows trained on (%.0f s)", page, len(texts),
                    time.perf_counter() - started)
    claims = seeds["is_claim"].astype(int).to_numpy() == 1
    high = claims & (seeds["confidence"].astype(str) == "high").to_numpy()
    out = {"config": cfg.__dict__, "pages": int(seeds["doc"].nunique())}
    for name, probs in (("every_page_unseen", unseen), ("leave_one_page_out", pages)):
        out[name] = {subset: label_scores(y_seed[mask], probs[mask], labels.names)
                     for subset, mask in (("high", high), ("claims", claims))}
    return out


def _predict(model, embedder, texts: list[str]) -> np.ndarray:
    from pipeline.stance import encode_texts, position_vectors

    positions = position_vectors(model.labels, embedder)
    return model.predict_proba(encode_texts(embedder, texts), positions, model.labels)


def _continue_training(model, encoder, texts: list[str], y: np.ndarray, cfg: PagesConfig, rng):
    """Fine-tune the encoder and a copy of the pair head on (text, label) rows, as train_stance does."""
    import torch

    from pipeline.train_stance import _PairNet, debate_loss

    labels = model.labels
    net = _PairNet(encoder, model.head.w1.shape[1], 0.1)
    with torch.no_grad():
        pairs = ((net.head[0], model.head.w1, model.head.b1), (net.head[3], model.head.w2, model.head.b2))
        for layer, w, b in pairs:
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T, dtype=np.float32)))
            layer.bias.copy_(torch.from_numpy(np.asarray(b, dtype=np.float32)))
    opt = torch.optim.AdamW([{"params": encoder.parameters(), "lr": cfg.learning_rate},
                             {"params": net.head.parameters(), "lr": 5 * cfg.learning_rate}], weight_decay=0.01)
    encoder.train()
    net.head.train()
    for _ in range(cfg.epochs):
        order = rng.permutation(len(texts))
        for start in range(0, len(order), cfg.batch_size):
            rows = order[start : start + cfg.batch_size]
            loss = debate_loss(net, [texts[i] for i in rows], y[rows], labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
    encoder.eval()
    net.head.eval()
    return net.pair_head()


def pages_markdown(result: dict) -> str:
    lines = ["# Stance on a page of the debate: unseen versus leave one page out", "",
             "Written by `argmap-bench quality stance-pages`; macro-F1 over the seed pages' claims "
             "(`confidence == high` rows, and all claims).", "",
             "| protocol | high | all claims |", "|---|---:|---:|"]
    for name in ("every_page_unseen", "leave_one_page_out"):
        r = result[name]
        lines.append(f"| {name.replace('_', ' ')} | {r['high']['macro_f1']:.3f} | {r['claims']['macro_f1']:.3f} |")
    cfg = result["config"]
    lines += ["", f"Leave one page out: {cfg['epochs']} epochs at encoder learning rate {cfg['learning_rate']}, "
              f"{cfg['replay']} debate rows replayed per seed row, over {result['pages']} pages.", ""]
    return "\n".join(lines)
