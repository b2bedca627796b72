"""The `argmap` command: one thin command per pipeline stage, plus queries over the outputs.

The stage commands are made from the registry (pipeline/stages.py): each validates params.yaml
and calls its runner (pipeline/runners.py). Nothing here is imported by the stages themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from pipeline import runners, stages
from pipeline.cli.common import fail, global_options, params, user_errors
from pipeline.cli.corpus import corpus_app
from pipeline.cli.query import register as register_queries

app = typer.Typer(
    name="argmap",
    help="Map a debate from articles and their comment threads. Stages run under `dvc repro`; "
    "each stage is also a command here.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


app.callback()(global_options)


# ---------------------------------------------------------------------------------------- stages


def _stage_command(runner: Callable) -> Callable:
    """`argmap <stage>`: validate params.yaml, run the stage; its help is the runner's docstring."""

    def command() -> None:
        runner(params())

    command.__name__ = f"{runner.__name__}_cmd"
    command.__doc__ = runner.__doc__
    return user_errors(command)


for _stage in stages.STAGES:
    app.command(_stage.name)(_stage_command(getattr(runners, _stage.name)))


@app.command("stance-pairs")
@user_errors
def stance_pairs_cmd(
    argkp_dir: Path = typer.Option(Path("../shared/benchmarks/argkp2021"), "--argkp-dir",
                                   help="ArgKP-2021 folder (kpm_data/, test_data/)."),
    perspectrum_dir: Path = typer.Option(Path("../shared/benchmarks/perspectrum"), "--perspectrum-dir",
                                         help="PERSPECTRUM v1.0 folder (its JSON files)."),
    training_dir: Path = typer.Option(Path("corpora/training/pairs"), "--training-dir",
                                      help="Where the train- and dev-split pair CSVs go."),
    evaluation_dir: Path = typer.Option(Path("corpora/evaluation"), "--evaluation-dir",
                                        help="Where the test-split pair CSVs go."),
) -> None:
    """Rebuild the public stance pairs: train splits for training, dev splits for choosing training
    params, test splits for scoring only (ArgKP's dev and test as argument vs. motion, the zero-shot
    stance task). The same bytes come out."""
    from pipeline.io import write_text
    from pipeline.stance_data import argkp_pairs, perspectrum_pairs

    outputs = {
        training_dir / "argkp2021_train.csv": argkp_pairs(argkp_dir, "train"),
        training_dir / "perspectrum_train.csv": perspectrum_pairs(perspectrum_dir, "train"),
        training_dir / "argkp2021_dev.csv": argkp_pairs(argkp_dir, "dev", key_points=False),
        training_dir / "perspectrum_dev.csv": perspectrum_pairs(perspectrum_dir, "dev"),
        evaluation_dir / "argkp2021_test.csv": argkp_pairs(argkp_dir, "test", key_points=False),
        evaluation_dir / "perspectrum_test.csv": perspectrum_pairs(perspectrum_dir, "test"),
    }
    for path, frame in outputs.items():
        write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        counts = ", ".join(f"{k} {v}" for k, v in frame["relation"].value_counts().sort_index().items())
        typer.echo(f"{path}: {len(frame)} pairs ({counts})")


@app.command("off-debate-claims")
@user_errors
def off_debate_claims_cmd(
    corpus: str = typer.Option("structure-pages", "--corpus", help="A corpus under corpora/ whose pages argue "
                               "nothing in this debate."),
    out: Path = typer.Option(Path("corpora/training/off_debate/structure_claims.csv"), "--out",
                             help="Where the CSV (page, text) goes."),
) -> None:
    """Rebuild the topic gate's off-debate claims: the claims the shipped claim detector finds on the
    training half of a corpus's pages (pipeline.stance_topic.trains_topic_gate), in reading order, as
    the stance stage reads them. The same bytes come out for the same pages and models."""
    import pandas as pd

    from pipeline.io import write_text
    from pipeline.runtime.scratch import read_in_scratch
    from pipeline.stance import claim_texts
    from pipeline.stance_topic import trains_topic_gate

    sentences = read_in_scratch(params(), Path.cwd(), corpus, stance=False)["sentences"]
    claims = sentences[sentences["is_claim"] & sentences["source"].astype(str).map(trains_topic_gate).astype(bool)]
    claims = claims.sort_values(["source", "start_char"], kind="stable")
    frame = pd.DataFrame({"page": claims["source"].astype(str).to_numpy(), "text": claim_texts(claims)})
    write_text(out, frame.to_csv(index=False, lineterminator="\n"))
    typer.echo(f"{out}: {len(frame)} claims from {frame['page'].nunique()} of "
               f"{sentences['source'].nunique()} pages of {corpus}")


@app.command("encoder-groups")
@user_errors
def encoder_groups_cmd(
    out_dir: Path = typer.Option(Path("corpora/training"), "--out-dir", help="Where the CSVs go."),
    argkp_dir: Path = typer.Option(Path("../shared/benchmarks/argkp2021"), "--argkp-dir",
                                   help="ArgKP-2021 folder (kpm_data/)."),
) -> None:
    """Rebuild train_encoder's groups from ArgKP-2021: argkp2021_train.csv and argkp2021_dev.csv
    (the test split is never written: the benchmark scores on it)."""
    from pipeline.encoder import groups_from_benchmark, write_groups
    from pipeline.stance_data import argkp_items

    for split in ("train", "dev"):
        frame = groups_from_benchmark(argkp_items(argkp_dir, split), [split])
        write_groups(frame, out_dir / f"argkp2021_{split}.csv")
        typer.echo(f"{out_dir / f'argkp2021_{split}.csv'}: {len(frame)} arguments, "
                   f"{frame['group'].nunique()} groups, {frame['key_point'].nunique()} key points")


@app.command("stages")
def stages_cmd(
    check: bool = typer.Option(False, "--check", help="Compare with the deps dvc.yaml lists; exit 1 where they "
                               "differ."),
    write: bool = typer.Option(False, "--write", help="Rewrite the deps lists in dvc.yaml to the registry's."),
    dvc_file: Path = typer.Option(Path("dvc.yaml"), "--dvc-file", help="The dvc.yaml to check."),
) -> None:
    """Print the deps each stage should list in dvc.yaml: the code its runner imports, then its data."""
    from pipeline.code_deps import rewrite_deps, stage_deps

    expected = {stage.name: stage_deps(stage) for stage in stages.STAGES}
    if write:
        if not dvc_file.is_file():
            raise fail(f"{dvc_file}: not found; run from the project folder or give --dvc-file")
        from pipeline.io import write_text

        write_text(dvc_file, rewrite_deps(dvc_file.read_text(encoding="utf-8"), expected))
        typer.echo(f"{dvc_file}: deps rewritten from the registry")
        return
    if not check:
        for name, deps in expected.items():
            typer.echo(f"{name}:\n  deps:\n" + "".join(f"    - {dep}\n" for dep in deps), nl=False)
        return
    import yaml

    if not dvc_file.is_file():
        raise fail(f"{dvc_file}: not found; run from the project folder or give --dvc-file")
    listed = yaml.safe_load(dvc_file.read_text(encoding="utf-8")).get("stages") or {}
    wrong = []
    for name, deps in expected.items():
        have = listed.get(name, {}).get("deps") or []
        if sorted(have) != sorted(deps):
            missing, extra = sorted(set(deps) - set(have)), sorted(set(have) - set(deps))
            typer.echo(f"{name}: missing {missing or '-'}, not needed {extra or '-'}", err=True)
            wrong.append(name)
    if wrong:
        raise fail(f"{dvc_file}: deps differ from the registry for {', '.join(wrong)}; "
                   "`argmap stages --write` rewrites them")
    typer.echo(f"{dvc_file}: every stage lists the deps the registry expects")


app.add_typer(corpus_app, name="corpus", help="Add, validate and list corpora.")
register_queries(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
