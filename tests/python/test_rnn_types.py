"""The RNN types and the bidirectional reader: shapes and parameters worked out by hand.

The lesson is a top-to-bottom script (and notebook), so the checks read what the quick run of
BOTH languages wrote (quick_outputs), and run the lesson's own section 1 (the five types) again
with other sizes. tests/R/test-rnn_types.R checks the R file itself and the refusals in R.
"""
import json
import re

import keras
import numpy as np
import pytest

import helpers
import workshop
from conftest import ROOT

SPEC_TYPES = {"features": 3, "units": 4, "steps_in": 5, "steps_out": 3, "outputs": 2}
OTHER_TYPES = {"features": 2, "units": 5, "steps_in": 7, "steps_out": 4, "outputs": 3}

# By hand, x = 3 inputs, h = 4 units, T = 5 in, T' = 3 out, k = 2 outputs:
#   Dense(4) on 3 = 3*4 + 4 = 16;  SimpleRNN(4) on 3 = 4*(4+3) + 4 = 32;  SimpleRNN(4) on 4 = 4*8 + 4 = 36;
#   Dense(2) on 4 = 4*2 + 2 = 10.
SPEC_TABLE = {
    "one_to_one": ([3], [2], 16 + 10),
    "one_to_many": ([3], [3, 2], 32 + 10),
    "many_to_one": ([5, 3], [2], 32 + 10),
    "many_to_many_equal": ([5, 3], [5, 2], 32 + 10),
    "many_to_many_unequal": ([5, 3], [3, 2], 32 + 36 + 10),
}
# x = 2, h = 5, T = 7, T' = 4, k = 3: Dense(5) on 2 = 15; SimpleRNN(5) on 2 = 5*7 + 5 = 40;
#   SimpleRNN(5) on 5 = 5*10 + 5 = 55; Dense(3) on 5 = 18.
OTHER_TABLE = {
    "one_to_one": ([2], [3], 33),
    "one_to_many": ([2], [4, 3], 58),
    "many_to_one": ([7, 2], [3], 58),
    "many_to_many_equal": ([7, 2], [7, 3], 58),
    "many_to_many_unequal": ([7, 2], [4, 3], 113),
}
LANGUAGES = ["python", "r"]


def results(quick_outputs, language):
    return json.loads((quick_outputs("rnn_types") / language / "rnn_types" / "results.json").read_text())


def section_code(heading):
    """The code cells of python/rnn_types.py under one markdown heading, up to the next heading."""
    cells = re.split(r"^# %%", (ROOT / "python" / "rnn_types.py").read_text(), flags=re.M)[1:]
    code, inside = [], False
    for cell in cells:
        if cell.startswith(" [markdown]"):
            headed = re.search(r"^# ## ", cell, flags=re.M)
            if inside and headed:
                break
            inside = inside or f"# {heading}" in cell
        elif inside:
            code.append(cell)
    assert code, f"no code under {heading}"
    return "\n".join(code)


def run_section_1(types):
    """The lesson's five types, built by its own code with the given sizes."""
    space = {"workshop": workshop, "keras": keras, "layers": keras.layers, "np": np,
             "settings": {"lesson": "rnn_types", "types": dict(types)}}
    exec(section_code("## 1. Five ways"), space)
    return space


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_type_has_the_shapes_and_parameters_worked_out_by_hand(language, quick_outputs):
    table = results(quick_outputs, language)["types"]
    assert list(table) == list(SPEC_TABLE)
    for name, (input_shape, output_shape, params) in SPEC_TABLE.items():
        row = table[name]
        assert (row["input_shape"], row["output_shape"], row["params"], row["params_by_hand"]) == \
               (input_shape, output_shape, params, params), name
        assert results(quick_outputs, language)["test"][f"{name}_params"] == params


def test_the_lessons_own_code_gives_other_sizes_the_counts_worked_out_by_hand():
    space = run_section_1(OTHER_TYPES)
    assert list(space["table"]) == list(OTHER_TABLE)
    for name, (input_shape, output_shape, params) in OTHER_TABLE.items():
        row = space["table"][name]
        assert (row["input_shape"], row["output_shape"], row["params"], row["params_by_hand"]) == \
               (input_shape, output_shape, params, params), name
        assert space[name].name == name


def test_the_encoder_decoder_is_wired_as_the_slides_draw_it():
    model = run_section_1(SPEC_TYPES)["many_to_many_unequal"]
    layers = helpers.model_summary(model)["layers"]
    assert [(l["name"], l["output_shape"], l["params"]) for l in layers] == [
        ("x", [None, 5, 3], 0),
        ("encoder", [None, 4], 32),          # the whole input, read into one state
        ("repeat", [None, 3, 4], 0),         # that state at each of the 3 output steps
        ("decoder", [None, 3, 4], 36),       # reads 4 numbers per step: 4*(4+4) + 4
        ("y", [None, 3, 2], 10),
    ]


def test_the_spec_sizes_are_the_ones_worked_out_here():
    assert helpers.lesson_config("rnn_types")["types"] == SPEC_TYPES


@pytest.mark.parametrize("language", LANGUAGES)
def test_lstm_and_bidirectional_readers_by_hand(language, quick_outputs):
    found = results(quick_outputs, language)
    h = found["config"]["units"]
    lstm = 4 * (h * (h + 28) + h)    # 4 blocks, each h x (h + 28) weights and h biases
    layers = {l["name"]: (l["output_shape"], l["params"]) for l in found["model"]["layers"]}
    assert layers == {
        "lstm/scale": ([None, 28, 28], 0), "lstm/lstm": ([None, h], lstm), "lstm/digit": ([None, 10], 10 * (h + 1)),
        "bilstm/scale": ([None, 28, 28], 0), "bilstm/bidirectional": ([None, 2 * h], 2 * lstm),
        "bilstm/digit": ([None, 10], 10 * (2 * h + 1)),
    }
    test = found["test"]
    assert test["lstm_params"] == test["lstm_params_by_hand"] == lstm + 10 * (h + 1)
    assert test["bilstm_params"] == test["bilstm_params_by_hand"] == 2 * lstm + 10 * (2 * h + 1)
    assert 4 * (64 * (64 + 28) + 64) + 10 * 65 == 24458 and 2 * 4 * (64 * (64 + 28) + 64) + 10 * 129 == 48906


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_readers_are_scored_on_every_test_digit(language, quick_outputs):
    found = results(quick_outputs, language)
    test, predictions, n = found["test"], found["predictions"], found["config"]["n_test"]
    assert test["n"] == n and len(found["history"]["bilstm_val_accuracy"]) == found["config"]["epochs"]
    for kind in ("lstm", "bilstm"):
        confusion = np.array(test[f"{kind}_confusion_matrix"])
        assert confusion.shape == (10, 10) and confusion.sum() == n
        assert confusion.trace() / n == pytest.approx(test[f"{kind}_accuracy"], abs=1e-6)
        assert np.argmax(predictions[f"{kind}_probabilities"], axis=1).tolist() == predictions[f"{kind}_classes"]
    assert set(found["timings"]["seconds_per_epoch"]) == {"lstm", "bilstm"}


def test_the_bidirectional_layer_is_one_lstm_forwards_and_one_backwards():
    """Its output is [LSTM(rows top to bottom), LSTM(rows bottom to top)], each with its own weights."""
    keras.utils.set_random_seed(1)
    bidirectional = keras.layers.Bidirectional(keras.layers.LSTM(4))
    rows = np.random.default_rng(0).uniform(size=(3, 28, 28)).astype("float32")
    both = np.asarray(bidirectional(rows))
    for part, weights, sequence in ((slice(0, 4), bidirectional.forward_layer, rows),
                                    (slice(4, 8), bidirectional.backward_layer, rows[:, ::-1, :])):
        plain = keras.layers.LSTM(4)
        plain.build((None, 28, 28))
        plain.set_weights(weights.get_weights())
        np.testing.assert_allclose(both[:, part], np.asarray(plain(np.ascontiguousarray(sequence))), atol=1e-6)
    assert not np.allclose(both[:, :4], both[:, 4:])


@pytest.mark.parametrize("value, shown", [(0, "0"), (-2, "-2"), (2.5, "2.5"), ("four", '"four"'), (None, "null")])
def test_type_sizes_that_are_not_positive_whole_numbers_are_refused(value, shown):
    settings = {"lesson": "rnn_types", "types": {**SPEC_TYPES, "units": value}}
    with pytest.raises(helpers.WorkshopError) as refused:
        workshop.type_sizes(settings)
    assert str(refused.value) == (f"shared_data/spec.json sets types.units to {shown} for rnn_types: "
                                  f"use a whole number above 0.")


@pytest.mark.parametrize("types", [None, {k: v for k, v in SPEC_TYPES.items() if k != "outputs"},
                                   {**SPEC_TYPES, "extra": 1}])
def test_a_types_entry_without_exactly_the_five_sizes_is_refused(types):
    with pytest.raises(helpers.WorkshopError) as refused:
        workshop.type_sizes({"lesson": "rnn_types", "types": types})
    assert str(refused.value) == ('shared_data/spec.json must give rnn_types a "types" entry with exactly '
                                  'features, units, steps_in, steps_out, outputs: restore that entry.')


def test_whole_numbers_written_as_text_or_floats_are_taken():
    sizes = workshop.type_sizes({"lesson": "rnn_types", "types": {**SPEC_TYPES, "units": "4", "outputs": 2.0}})
    assert sizes == SPEC_TYPES and isinstance(sizes["outputs"], int)


def test_the_profiles():
    quick, full = (helpers.lesson_config("rnn_types", profile) for profile in ("quick", "full"))
    assert (full["n_train"], full["n_val"], full["n_test"]) == (3500, 500, 1000)
    assert quick["n_train"] < full["n_train"] and quick["epochs"] < full["epochs"]
