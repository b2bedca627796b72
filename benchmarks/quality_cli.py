"""`argmap-bench quality ...`: key points and their clustering scored against ArgKP-2021 and PERSPECTRUM."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import typer

from pipeline.cli.common import params, user_errors

logger = logging.getLogger(__name__)

DATASETS = ("argkp", "perspectrum")
METHOD_NAMES = ("argmap", "bertopic", "kmeans-true-k", "none-placed")
RESULTS_DIR = Path("benchmarks/results")
ARGKP_DIR = Path("../shared/benchmarks/argkp2021")
PERSPECTRUM_DIR = Path("../shared/benchmarks/perspectrum")


def _datasets(dataset: str) -> list[str]:
    if dataset == "all":
        return list(DATASETS)
    if dataset not in DATASETS:
        raise typer.BadParameter(f"{dataset!r}: use argkp, perspectrum or all", param_hint="--dataset")
    return [dataset]


def _seeds(text: str | None, base_seed: int, default_runs: int = 5) -> list[int]:
    if text is None:
        return [base_seed + i for i in range(default_runs)]
    try:
        seeds = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        seeds = []
    if not seeds or len(set(seeds)) != len(seeds):
        raise typer.BadParameter(f"{text!r}: use distinct whole numbers separated by commas, e.g. 42,43,44",
                                 param_hint="--seeds")
    return seeds


def load_items(datasets: list[str], splits: list[str], argkp_dir: Path, perspectrum_dir: Path):
    import pandas as pd

    from benchmarks.clustering import load_perspectrum
    from pipeline.stance_data import argkp_items

    loaders = {
        "argkp": lambda s: argkp_items(argkp_dir, s),
        "perspectrum": lambda s: load_perspectrum(perspectrum_dir, s),
    }
    return pd.concat([loaders[d](s) for d in datasets for s in splits], ignore_index=True)


def _publish(out_dir: Path, stem: str, result: dict, text: str) -> None:
    """Write a benchmark's result as `stem`.json and its table as `stem`.md under `out_dir`, and print the table."""
    from pipeline.io import write_json, write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / f"{stem}.json", result)
    write_text(out_dir / f"{stem}.md", text)
    typer.echo(text)


def register(app: typer.Typer) -> None:
    """Add `clustering`, `keypoints`, `tune`, `stance-pages`, `stance-off-debate`, `stance-threads` and
    `stance-models` to the `quality` group."""

    @app.command("clustering")
    @user_errors
    def benchmark_cmd(
        dataset: str = typer.Option("all", "--dataset", help="argkp, perspectrum or all."),
        split: str = typer.Option("test", "--split", help="test (report) or dev (development)."),
        methods: str = typer.Option(",".join(METHOD_NAMES), "--methods", help="Comma-separated subset of "
                                    + ", ".join(METHOD_NAMES) + "."),
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where clustering.json/.md go "
                                     "(clustering_dev.json/.md for --split dev)."),
        argkp_dir: Path = typer.Option(ARGKP_DIR, "--argkp-dir", help="ArgKP-2021 folder (kpm_data/, test_data/)."),
        perspectrum_dir: Path = typer.Option(PERSPECTRUM_DIR, "--perspectrum-dir", help="PERSPECTRUM folder."),
        cache_dir: Path = typer.Option(None, "--cache-dir", help="Keep the embeddings here (embeddings.sqlite)."),
        seeds: str = typer.Option(None, "--seeds", help="Comma-separated seeds; every method runs once per "
                                  "seed and the table gives the mean ± the standard deviation across them. "
                                  "Default: base.seed and the four seeds after it."),
        backend: str = typer.Option(None, "--backend", help="torch, onnx or onnx-int8: the embedding backend "
                                    "(default: embed.backend)."),
    ) -> None:
        """Score argmap's clustering, BERTopic, k-means (true k) and placing nothing on the same embeddings."""
        from benchmarks.clustering import (
            argmap_method,
            benchmark_embedder,
            bertopic_method,
            embed_texts,
            kmeans_method,
            make_groups,
            markdown_table,
            no_placement_method,
            run_seeds,
            summarise_per_seed,
            summarise_seeds,
        )
        from pipeline.io import write_json, write_text

        if split not in ("test", "dev"):
            raise typer.BadParameter(f"{split!r}: use test or dev (train is for tuning)", param_hint="--split")
        chosen = [m.strip() for m in methods.split(",") if m.strip()]
        unknown = sorted(set(chosen) - set(METHOD_NAMES))
        if unknown or not chosen:
            raise typer.BadParameter(f"{unknown or methods!r}: use {', '.join(METHOD_NAMES)}", param_hint="--methods")
        p = params()
        from pipeline.onnx_encoder import BACKENDS

        if backend is not None and backend not in BACKENDS:
            raise typer.BadParameter(f"{backend!r}: use {' or '.join(BACKENDS)}", param_hint="--backend")
        backend = backend or p.embed.backend
        seed_list = _seeds(seeds, p.base.seed)
        started = time.perf_counter()
        items = load_items(_datasets(dataset), [split], argkp_dir, perspectrum_dir)
        embedder = benchmark_embedder(p.embed.model, p.embed.model_package, p.embed.batch_size, cache_dir, backend)
        vectors = embed_texts(items["text"].tolist(), embedder)
        factories = {
            "argmap": lambda seed: argmap_method(p.cluster, seed),
            "bertopic": bertopic_method,
            "kmeans-true-k": kmeans_method,
            "none-placed": no_placement_method,
        }
        per_group = run_seeds(make_groups(items, vectors), {m: factories[m] for m in chosen}, seed_list)
        per_seed = summarise_per_seed(per_group)
        summary = summarise_seeds(per_group, per_seed)
        table = markdown_table(summary)
        seed_tables = "\n".join(
            f"### Seed {seed}\n\n{markdown_table(per_seed[per_seed['seed'] == seed])}" for seed in seed_list)
        note = (
            f"Embeddings: {p.embed.model} ({backend}). Scores are means over groups (ArgKP: topic x stance; "
            "PERSPECTRUM: claim), then over seeds; ± is the standard deviation across the seeds "
            f"({', '.join(map(str, seed_list))}), each seeding every method: UMAP for BERTopic, k-means' "
            "initialisation, the SVD of argmap's lexical part (hdbscan itself has no randomness). "
            "Main columns count each noise point (-1) as its own singleton cluster; "
            "'no noise' columns score only the points a method placed. argmap uses the `cluster` "
            f"section of params.yaml ({p.cluster.model_dump()}); BERTopic its defaults with only UMAP's "
            "seed set; k-means is told the true number of clusters; none-placed places no point (every "
            "item noise), the floor of the noise-as-singletons scores: its V-measure is far from 0, so a "
            "method's V is worth what it adds above that row.\n"
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = "clustering" if split == "test" else f"clustering_{split}"  # a dev run never overwrites the report
        write_json(
            out_dir / f"{stem}.json",
            {
                "dataset": dataset, "split": split, "seeds": seed_list, "embed_model": p.embed.model,
                "embed_backend": backend,
                "cluster_params": p.cluster.model_dump(), "noise": "singletons in main metrics",
                "summary": summary.round(4).to_dict(orient="records"),
                "per_seed": per_seed.round(4).to_dict(orient="records"),
                "groups": per_group.round(4).to_dict(orient="records"),
            },
        )
        write_text(out_dir / f"{stem}.md", f"# Key-point clustering benchmark ({split} split)\n\n{table}\n{note}\n"
                   f"## Each seed\n\n{seed_tables}")
        typer.echo(table)
        logger.info("quality clustering done in %.0f s", time.perf_counter() - started)

    @app.command("keypoints")
    @user_errors
    def benchmark_keypoints_cmd(
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where keypoints.json/.md go."),
        argkp_dir: Path = typer.Option(ARGKP_DIR, "--argkp-dir", help="ArgKP-2021 folder (kpm_data/, test_data/)."),
        perspectrum_dir: Path = typer.Option(PERSPECTRUM_DIR, "--perspectrum-dir", help="PERSPECTRUM folder."),
        cache_dir: Path = typer.Option(None, "--cache-dir", help="Keep the embeddings here (embeddings.sqlite)."),
        bertopic: bool = typer.Option(True, "--bertopic/--no-bertopic", help="Also generate key points with "
                                      "BERTopic (needs the `bench` extra)."),
    ) -> None:
        """Key points as Key Point Analysis measures them: matching mAP (dev, test), generated key points
        against the gold (test), the label weights (train, dev) and the orphan trade-off (dev)."""
        from benchmarks.clustering import benchmark_embedder, embed_texts, make_groups, without_late_join
        from benchmarks.keypoints import (
            argmap_key_points,
            argmap_labels,
            bertopic_key_points,
            generation_rows,
            gold_clusters,
            keypoints_markdown,
            kpa_map,
            load_kpa,
            match_scores,
            memo_parser,
            orphan_tradeoff,
            representative_labels,
            rouge_scores,
            summarise_generation,
            tune_label_weights,
            with_labels,
        )
        from pipeline.argmap import stage_parser
        from pipeline.io import write_json, write_text

        p = params()
        started = time.perf_counter()
        embedder = benchmark_embedder(p.embed.model, p.embed.model_package, p.embed.batch_size, cache_dir)
        parse = memo_parser(stage_parser(p.sentences.spacy_model))  # the labels' grammar check, as the stage's

        def embed(texts):
            return embed_texts(texts, embedder)

        data = {split: load_kpa(argkp_dir, split) for split in ("train", "dev", "test")}
        vectors = {split: embed(a["argument"].tolist()) for split, (a, _, _) in data.items()}
        result: dict = {"embed_model": p.embed.model, "cluster_params": p.cluster.model_dump(), "map": {}}
        for split in ("dev", "test"):
            a, k, lab = data[split]
            result["map"][split] = kpa_map(match_scores(a, k, vectors[split], embed(k["key_point"].tolist())), a, lab)
        logger.info("mAP: %s", {s: round(r["map_strict"], 4) for s, r in result["map"].items()})

        clusters = {}
        for split in ("train", "dev"):
            a, k, lab = data[split]
            clusters[split] = [(gold, [a["argument"].iat[i] for i in rows], vectors[split][rows])
                               for gold, rows in gold_clusters(a, k, lab)]
        tuning = tune_label_weights(clusters, parse=parse)
        shown = tuning["results"][:5]
        if not any(r["weights"] == tuning["chosen"] for r in shown):
            shown.append(next(r for r in tuning["results"] if r["weights"] == tuning["chosen"]))
        representative = {}
        for split, rows in clusters.items():
            labels = representative_labels([r[1] for r in rows], [r[2] for r in rows])
            scores = [rouge_scores(x, r[0]) for x, r in zip(labels, rows)]
            representative[split] = {m: float(sum(s[m] for s in scores) / len(scores)) for m in scores[0]}
        from pipeline.argmap import LABEL_WEIGHTS

        result["label_tuning"] = {"selection": tuning["selection"], "chosen": tuning["chosen"],
                                  "in_use": dict(LABEL_WEIGHTS), "n_settings": len(tuning["results"]),
                                  "shown": shown, "representative": representative}

        a, k, _ = data["test"]
        key_points = argmap_key_points(p.cluster, p.base.seed)
        methods = {"argmap (key points + labels)": with_labels(key_points, argmap_labels(parse=parse)),
                   "argmap key points + representative claim": with_labels(key_points, representative_labels)}
        if bertopic:
            topics = bertopic_key_points(p.base.seed)
            methods["BERTopic (topics + topic names)"] = topics

            def bertopic_members(texts, vecs):
                return topics(texts, vecs)[0]

            methods["BERTopic topics + argmap labels"] = with_labels(bertopic_members, argmap_labels(parse=parse))
        rows = generation_rows(a, k, vectors["test"], methods, embed)
        result["generation"] = summarise_generation(rows).round(4).to_dict(orient="records")
        result["generation_rows"] = rows.round(4).to_dict(orient="records")

        items = load_items(["argkp", "perspectrum"], ["dev"], argkp_dir, perspectrum_dir)
        groups = make_groups(items, embed(items["text"].tolist()))
        orphans = orphan_tradeoff(groups, p.cluster, p.base.seed)
        # the generated key points (ArgKP dev) with the late join, without it, and with the bar lowered instead
        in_use = orphans["in_use"]
        variants = {f"in use (late join at {in_use['attach']})": argmap_key_points(p.cluster, p.base.seed),
                    "in use, no late join": argmap_key_points(without_late_join(p.cluster), p.base.seed)}
        mine = next((r for r in orphans["rows"] if all(r[key] == v for key, v in in_use.items())), None)
        if mine is not None:
            lowered = min((r for r in orphans["rows"] if r["attach"] is False),
                          key=lambda r: (abs(r["noise_share"] - mine["noise_share"]), r["noise_share"]))
            variants[f"reassign_min_similarity {lowered['reassign_min_similarity']}, noise pass "
                     f"{lowered['noise_pass'] or 'off'}, no late join"] = argmap_key_points(
                p.cluster.model_copy(update={"reassign_min_similarity": lowered["reassign_min_similarity"],
                                             "noise_pass_min_size": lowered["noise_pass"],
                                             "attach_min_similarity": None}), p.base.seed)
        a, k, _ = data["dev"]
        rows = generation_rows(a, k, vectors["dev"], {name: with_labels(kps, argmap_labels(parse=parse))
                                                      for name, kps in variants.items()}, embed)
        orphans["generation_dev"] = summarise_generation(rows).round(4).to_dict(orient="records")
        result["orphans"] = orphans
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(out_dir / "keypoints.json", result)
        text = keypoints_markdown(result)
        write_text(out_dir / "keypoints.md", text + "\n")
        typer.echo(text)
        logger.info("quality keypoints done in %.0f s", time.perf_counter() - started)

    @app.command("tune")
    @user_errors
    def benchmark_tune_cmd(
        dataset: str = typer.Option("all", "--dataset", help="argkp, perspectrum or all."),
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where clustering_tuning.json/.md go."),
        argkp_dir: Path = typer.Option(ARGKP_DIR, "--argkp-dir", help="ArgKP-2021 folder."),
        perspectrum_dir: Path = typer.Option(PERSPECTRUM_DIR, "--perspectrum-dir", help="PERSPECTRUM folder."),
        cache_dir: Path = typer.Option(None, "--cache-dir", help="Keep the embeddings here (embeddings.sqlite)."),
        top: int = typer.Option(10, "--top", help="How many dev-best settings to re-score on train."),
    ) -> None:
        """Grid-search the cluster params on dev (never test); re-check the best few on train."""
        from benchmarks.clustering import (
            benchmark_embedder,
            bertopic_method,
            embed_texts,
            make_groups,
            run_methods,
            summarise,
            tune_cluster,
            tuning_markdown,
        )
        from pipeline.io import write_json, write_text

        p = params()
        datasets = _datasets(dataset)
        items = load_items(datasets, ["train", "dev"], argkp_dir, perspectrum_dir)
        embedder = benchmark_embedder(p.embed.model, p.embed.model_package, p.embed.batch_size, cache_dir)
        vectors = embed_texts(items["text"].tolist(), embedder)
        groups = make_groups(items, vectors)
        dev = [g for g in groups if g.split == "dev"]
        train = [g for g in groups if g.split == "train"]
        bertopic = summarise(run_methods(dev, {"bertopic": bertopic_method(p.base.seed)}))
        result = tune_cluster(dev, train, p.cluster, p.base.seed, bertopic, top=top)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(out_dir / "clustering_tuning.json", result)
        text = tuning_markdown(result)
        write_text(out_dir / "clustering_tuning.md", text)
        typer.echo(text)

    @app.command("stance-pages")
    @user_errors
    def stance_pages_cmd(
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where stance_pages.json/.md go."),
        epochs: int = typer.Option(2, "--epochs", min=1, help="Epochs of each fold's continued fine-tuning."),
        learning_rate: float = typer.Option(2.0e-5, "--learning-rate", min=1e-7, help="The encoder's rate."),
        replay: float = typer.Option(1.0, "--replay", min=0.0, help="Debate rows trained beside each seed row."),
    ) -> None:
        """Stance on each seed page unseen (the shipped model) beside leave one page out (the shipped model
        fine-tuned further on the other pages' annotations); the shipped model is not changed."""
        import torch

        from benchmarks.stance_pages import PagesConfig, leave_one_page_out, pages_markdown
        from pipeline import paths
        from pipeline.models import load_sentence_transformer
        from pipeline.stance import LabelSpace, StanceModel
        from pipeline.stance_data import read_debate_set
        from pipeline.train import _training_frames
        from pipeline.train_stance import calibration_mask

        p = params()
        cfg = p.train_stance
        torch.set_num_threads(2)  # the training stage's thread count: the same sums on every run
        frames, _ = _training_frames(p, cfg.annotations)
        # every annotated row trains (non-claims are neutral); claims are scored
        seeds = frames.assign(text=frames["norm_text"], stance=frames["gold_stance"], doc=frames["source"])
        debate = read_debate_set(cfg.debate, LabelSpace.from_params(p.stance).names)
        debate = debate[~calibration_mask(debate, cfg.calibration_share)].reset_index(drop=True)

        def load_start():
            encoder = load_sentence_transformer(str(StanceModel.encoder_path(paths.STANCE_MODEL)), None)
            return StanceModel.load(paths.STANCE_MODEL), encoder

        started = time.perf_counter()
        result = leave_one_page_out(seeds, debate, load_start=load_start, seed=p.base.seed,
                                    cfg=PagesConfig(epochs=epochs, learning_rate=learning_rate, replay=replay))
        _publish(out_dir, "stance_pages", result, pages_markdown(result))
        logger.info("quality stance-pages done in %.0f s", time.perf_counter() - started)

    @app.command("stance-off-debate")
    @user_errors
    def stance_off_debate_cmd(
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where stance_off_debate.json/.md go."),
    ) -> None:
        """Claims given a position on pages about other topics (corpora/structure-pages), read alone and in
        context with the shipped models; the project's outputs are not touched."""
        from benchmarks.stance_off_debate import off_debate_counts, off_debate_markdown

        result = off_debate_counts(params(), Path.cwd())
        _publish(out_dir, "stance_off_debate", result, off_debate_markdown(result))

    @app.command("stance-threads")
    @user_errors
    def stance_threads_cmd(
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where stance_threads.json/.md go "
                                     "(stance_dev*.json/.md for the development pages)."),
        corpus: str = typer.Option("debate-threads", "--corpus", help="debate-threads (the evaluation pages), "
                                   "debate-dev, debate-dev-b or debate-dev-c (the development pages), or all "
                                   "(each of them, then one table over them: stance_page_sets.json/.md)."),
    ) -> None:
        """Claims and stance on whole pages about this debate (corpora/debate-threads, an evaluation set, or
        corpora/debate-dev, debate-dev-b and debate-dev-c, development sets), read alone and in context with the shipped
        models; the project's outputs are not touched."""
        from benchmarks.stance_threads import SETS, page_sets_markdown, thread_scores, threads_markdown

        if corpus not in SETS and corpus != "all":
            raise typer.BadParameter(f"--corpus must be one of {', '.join(SETS)} or all, got {corpus!r}")
        p, results = params(), []
        for name in SETS if corpus == "all" else [corpus]:
            results.append(thread_scores(p, Path.cwd(), name))
            _publish(out_dir, SETS[name][2], results[-1], threads_markdown(results[-1]))
        if corpus == "all":
            _publish(out_dir, "stance_page_sets", {"page_sets": results}, page_sets_markdown(results))

    @app.command("stance-models")
    @user_errors
    def stance_models_cmd(
        out_dir: Path = typer.Option(RESULTS_DIR, "--out-dir", help="Where stance_models.json/.md go "
                                     "(stance_models_smoke.json/.md when --max-steps is set)."),
        epochs: int = typer.Option(2, "--epochs", min=1, help="The cross-encoder's epochs over the training rows "
                                    "(2: about 11 minutes on 2 idle cores, 3: about 17)."),
        max_seq_length: int = typer.Option(128, "--max-seq-length", min=16, max=512,
                                           help="Tokens of the joint input \"sentence [SEP] position\"."),
        body_learning_rate: float = typer.Option(3.0e-5, "--body-learning-rate", min=1e-7,
                                                 help="The transformer body's peak learning rate."),
        head_learning_rate: float = typer.Option(1.0e-3, "--head-learning-rate", min=1e-7,
                                                 help="The classification head's peak learning rate."),
        warmup_share: float = typer.Option(0.1, "--warmup-share", min=0.0, max=1.0,
                                           help="Share of the steps with the learning rate rising linearly."),
        max_steps: int = typer.Option(0, "--max-steps", min=0, help="Stop training after this many steps "
                                      "(0: every epoch); a smoke run, written to stance_models_smoke.*."),
        time_steps: int = typer.Option(6, "--time-bi-encoder-steps", min=0, help="Steps of the shipped model's "
                                       "training loop timed on this machine to estimate its seconds (0: none)."),
        metrics_path: Path = typer.Option(Path("metrics/train_stance.json"), "--metrics",
                                          help="The shipped bi-encoder's figures (train_stance's metrics)."),
    ) -> None:
        """The shipped stance model (a bi-encoder pair model) beside a cross-encoder trained from the same
        base weights on the same rows; both scored on the held-out file, the seeds and the public test pairs."""
        import json

        import torch

        from benchmarks.stance_models import (
            CrossConfig,
            CrossEncoder,
            bi_encoder_training,
            comparison_rows,
            config_dict,
            models_markdown,
            pair_log_proba,
            score_pair_model,
            sentences_per_second,
            time_bi_encoder_steps,
            train_cross_encoder,
            verdict,
        )
        from pipeline import paths
        from pipeline.io import InputError
        from pipeline.models import TorchEmbedder, load_sentence_transformer, resolve_model_path
        from pipeline.stance import LabelSpace, StanceModel, encode_texts, position_vectors
        from pipeline.train import load_stance_data
        from pipeline.train_stance import calibration_mask

        p = params()
        cfg = p.train_stance
        if not metrics_path.is_file():
            raise InputError(f"{metrics_path}: no train_stance metrics; run `dvc repro train_stance` first")
        bi_metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        cross_cfg = CrossConfig(epochs=epochs, max_seq_length=max_seq_length, body_learning_rate=body_learning_rate,
                                head_learning_rate=head_learning_rate, warmup_share=warmup_share, max_steps=max_steps)
        torch.set_num_threads(2)  # the training stage's thread count: the same sums on every run
        started = time.perf_counter()
        labels = LabelSpace.from_params(p.stance)
        data = load_stance_data(p, labels)
        calib = calibration_mask(data.debate, cfg.calibration_share)
        y = labels.index(data.debate["stance"], data.debate["file"] + ":" + data.debate["line"].astype(str))
        train_rows = data.debate[~calib].reset_index(drop=True)

        timed = None
        if time_steps:
            encoder = load_sentence_transformer(cfg.base_model, cfg.base_package)
            encoder.max_seq_length = cfg.max_seq_length
            timed = time_bi_encoder_steps(encoder, train_rows, y[~calib], data.pairs, labels, cfg,
                                          steps=time_steps, seed=p.base.seed)
            del encoder
            logger.info("bi-encoder: %d steps in %.0f s", timed["steps"], timed["seconds"])

        torch.manual_seed(p.base.seed)  # the head's initial weights
        model = CrossEncoder.from_base(resolve_model_path(cfg.base_model, cfg.base_package), hidden=cfg.hidden,
                                       dropout=cfg.dropout, max_seq_length=max_seq_length)
        training = train_cross_encoder(model, train_rows, y[~calib], data.pairs, labels, cfg, cross_cfg,
                                       seed=p.base.seed)
        model.round_to_half()
        cross_metrics = score_pair_model(model.log_proba, data, labels, cfg.calibration_share)

        texts = data.held_out["text"].tolist()
        shipped = StanceModel.load(paths.STANCE_MODEL)
        embedder = TorchEmbedder(load_sentence_transformer(str(StanceModel.encoder_path(paths.STANCE_MODEL)), None))
        positions = position_vectors(labels, embedder)
        bi_speed = sentences_per_second(
            lambda t: shipped.predict_proba(encode_texts(embedder, t), positions, labels), texts)
        cross_speed = sentences_per_second(lambda t: pair_log_proba(model.log_proba, t, labels), texts)

        rows = comparison_rows(bi_metrics, cross_metrics)
        result = {
            "rows": rows,
            "verdict_text": verdict(rows),
            "bi_encoder": {"metrics_file": str(metrics_path), "sentences_per_second": bi_speed,
                           "training": bi_encoder_training(cfg, len(train_rows), timed)},
            "cross_encoder": {"config": config_dict(cross_cfg, cfg), "training": training,
                              "sentences_per_second": cross_speed, "metrics": cross_metrics},
        }
        stem = "stance_models_smoke" if max_steps else "stance_models"  # a smoke run never overwrites the report
        _publish(out_dir, stem, result, models_markdown(result))
        logger.info("quality stance-models done in %.0f s", time.perf_counter() - started)
