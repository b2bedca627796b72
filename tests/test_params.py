"""params.yaml validation: every mistake names its dotted key, the bad value and what is allowed."""

import copy

import pytest

from pipeline.params import ParamsError, load_params, parse_params


def test_repo_params_are_valid(params):
    assert params.cluster.min_cluster_size >= 2
    assert params.stance.neutral_label in params.stance.label_names


def test_unknown_key_is_named(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["cluster"]["min_cluster_sise"] = 3
    with pytest.raises(ParamsError, match=r"cluster\.min_cluster_sise: unknown key"):
        parse_params(raw)


def test_bad_literal_lists_allowed_values(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["cluster"]["cluster_selection_method"] = "best"
    with pytest.raises(ParamsError) as err:
        parse_params(raw)
    msg = str(err.value)
    assert "cluster.cluster_selection_method" in msg and "'best'" in msg and "'eom'" in msg and "'leaf'" in msg


def test_out_of_range_value_is_named(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["cluster"]["min_cluster_size"] = 1
    with pytest.raises(ParamsError, match=r"cluster\.min_cluster_size: got 1.*greater than or equal to 2"):
        parse_params(raw)


@pytest.mark.parametrize(("key", "value", "allowed"), [
    ("lexical_weight", -0.1, "a number from 0 to 1"),
    ("lexical_weight", 1.5, "a number from 0 to 1"),
    ("lexical_weight", "high", "a number from 0 to 1"),
    ("lexical_dims", 1, "a whole number at least 2"),
])
def test_lexical_params_name_key_and_allowed_values(raw_params, key, value, allowed):
    raw = copy.deepcopy(raw_params)
    raw["cluster"][key] = value
    with pytest.raises(ParamsError) as err:
        parse_params(raw)
    msg = str(err.value)
    assert f"cluster.{key}: got {value!r}" in msg and f"(allowed: {allowed})" in msg


@pytest.mark.parametrize("value", [-0.5, 6, "strong"])
def test_topic_weight_names_key_and_range(raw_params, value):
    raw = copy.deepcopy(raw_params)
    raw["stance"]["topic_weight"] = value
    with pytest.raises(ParamsError, match=r"stance\.topic_weight"):
        parse_params(raw)


def test_missing_key_is_named(raw_params):
    raw = copy.deepcopy(raw_params)
    del raw["embed"]["model"]
    with pytest.raises(ParamsError, match=r"embed\.model: required key is missing"):
        parse_params(raw)


def test_neutral_label_must_be_in_label_set(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["stance"]["neutral_label"] = "none"
    with pytest.raises(ParamsError, match=r"stance.*neutral_label 'none' is not one of the labels"):
        parse_params(raw)


def test_context_layer_passages_must_be_apart_from_the_pair_models(raw_params):
    raw = copy.deepcopy(raw_params)
    raw["train_stance"]["passages"] = raw["train_context"]["passages"][:1]
    with pytest.raises(ParamsError, match=r"train_context\.passages must not list a file of train_stance\.passages"):
        parse_params(raw)


def test_unreadable_yaml_and_missing_file(tmp_path):
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "params.yaml")
    bad = tmp_path / "params.yaml"
    bad.write_text("cluster: [1, 2\n")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(bad)
