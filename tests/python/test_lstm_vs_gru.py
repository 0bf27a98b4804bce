"""LSTM vs GRU: closed-form parameter counts and the adding problem. tests/R/test-lstm_vs_gru.R mirrors it."""
import numpy as np
import pytest

import helpers
import datasets
import lstm_vs_gru as lesson


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("h, x", [(16, 1), (32, 1), (8, 2), (5, 3)])
def test_closed_form_parameter_counts_match_keras(kind, h, x):
    layer = lesson.KINDS[kind](h)
    layer.build((None, 7, x))
    assert layer.count_params() == lesson.closed_form_params(kind, h, x)


def test_the_formulas_themselves():
    h, x = 32, 1
    assert lesson.closed_form_params("lstm", h, x) == 4 * (h * (h + x) + h) == 4352
    assert lesson.closed_form_params("gru", h, x) == 3 * (h * (h + x) + 2 * h) == 3360
    assert lesson.closed_form_params("simple_rnn", h, x) == h * (h + x) + h == 1088


def test_the_dax_models_are_lesson_3s_with_the_layer_swapped():
    config = helpers.lesson_config("lstm_vs_gru")
    data = datasets.series_windows(config)
    import rnn_forecaster
    lesson_3 = rnn_forecaster.build_model(data, config)
    for kind in lesson.KINDS:
        model = lesson.build_dax_model(kind, data, config)
        assert [l.name for l in model.layers] == [l.name for l in lesson_3.layers] == [
            "changes", "scale", "one_value_per_step", "recurrent", "next_change", "unscale"]
        assert model.get_layer("recurrent").count_params() == lesson.closed_form_params(kind, config["units"], 1)
    assert lesson.build_dax_model("simple_rnn", data, config).count_params() == lesson_3.count_params()


def test_adding_problem_marks_one_step_in_each_half():
    x, y = lesson.adding_problem(50, 10, seed=1)
    assert x.shape == (50, 10, 2) and y.shape == (50,)
    markers = x[:, :, 1]
    assert np.array_equal(markers.sum(axis=1), np.full(50, 2.0))
    assert np.array_equal(markers[:, :5].sum(axis=1), np.ones(50))
    assert np.array_equal(y, (x[:, :, 0] * markers).sum(axis=1))
    assert np.all((x[:, :, 0] >= 0) & (x[:, :, 0] < 1))
    assert np.array_equal(lesson.adding_problem(50, 10, seed=1)[0], x)   # the same seed, the same data


def test_seeds_follow_the_profile():
    assert lesson.seeds({"seed": 42, "n_seeds": 3}) == [42, 43, 44]
    full = helpers.lesson_config("lstm_vs_gru", "full")
    assert full["n_seeds"] >= 3 and full["adding"]["length"] >= 100
