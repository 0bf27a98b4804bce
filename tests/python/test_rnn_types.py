"""The RNN types and the bidirectional reader: shapes and parameters worked out by hand.
tests/R/test-rnn_types.R mirrors it."""
import keras
import numpy as np
import pytest

import helpers
import rnn_types as lesson

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


@pytest.mark.parametrize("types, expected", [(SPEC_TYPES, SPEC_TABLE), (OTHER_TYPES, OTHER_TABLE)])
def test_each_type_has_the_shapes_and_parameters_worked_out_by_hand(types, expected):
    models, table = lesson.describe_types(dict(types))
    assert list(table) == list(expected) == [model.name for model in models]
    for name, (input_shape, output_shape, params) in expected.items():
        row = table[name]
        assert (row["input_shape"], row["output_shape"], row["params"]) == (input_shape, output_shape, params), name
        assert row["params_by_hand"] == params, name
        assert lesson.type_by_hand(name, types) == (input_shape, output_shape, params), name


def test_the_encoder_decoder_is_wired_as_the_slides_draw_it():
    models, _ = lesson.describe_types(dict(SPEC_TYPES))
    layers = helpers.model_summary(models[-1])["layers"]
    assert [(l["name"], l["output_shape"], l["params"]) for l in layers] == [
        ("x", [None, 5, 3], 0),
        ("encoder", [None, 4], 32),          # the whole input, read into one state
        ("repeat", [None, 3, 4], 0),         # that state at each of the 3 output steps
        ("decoder", [None, 3, 4], 36),       # reads 4 numbers per step: 4*(4+4) + 4
        ("y", [None, 3, 2], 10),
    ]


def test_the_spec_sizes_are_the_ones_worked_out_here():
    assert helpers.lesson_config("rnn_types")["types"] == SPEC_TYPES


@pytest.mark.parametrize("h", [8, 32, 64])
def test_lstm_and_bidirectional_readers_by_hand(h):
    lstm = 4 * (h * (h + 28) + h)    # 4 blocks, each h x (h + 28) weights and h biases
    expected = {"lstm": (lstm, h, 10 * (h + 1)), "bilstm": (2 * lstm, 2 * h, 10 * (2 * h + 1))}
    for kind, (recurrent, width, dense) in expected.items():
        layers = helpers.model_summary(lesson.build_reader(kind, {"units": h}))["layers"]
        assert [l["output_shape"] for l in layers] == [[None, 28, 28], [None, width], [None, 10]]
        assert [l["params"] for l in layers] == [0, recurrent, dense]
        assert lesson.reader_params(kind, h) == recurrent + dense
    assert lesson.reader_params("lstm", 64) == 24458 and lesson.reader_params("bilstm", 64) == 48906


def test_the_bidirectional_layer_is_one_lstm_forwards_and_one_backwards():
    """Its output is [LSTM(rows top to bottom), LSTM(rows bottom to top)], each with its own weights."""
    bidirectional = lesson.build_reader("bilstm", {"units": 4}).get_layer("bidirectional")
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
    config = {"lesson": "rnn_types", "types": {**SPEC_TYPES, "units": value}}
    with pytest.raises(helpers.WorkshopError) as refused:
        lesson.check_types(config)
    assert str(refused.value) == (f"shared_data/spec.json sets types.units to {shown} for rnn_types: "
                                  f"use a whole number above 0.")


@pytest.mark.parametrize("types", [None, {k: v for k, v in SPEC_TYPES.items() if k != "outputs"},
                                   {**SPEC_TYPES, "extra": 1}])
def test_a_types_entry_without_exactly_the_five_sizes_is_refused(types):
    with pytest.raises(helpers.WorkshopError) as refused:
        lesson.check_types({"lesson": "rnn_types", "types": types})
    assert str(refused.value) == ('shared_data/spec.json must give rnn_types a "types" entry with exactly '
                                  'features, units, steps_in, steps_out, outputs: restore that entry.')


def test_whole_numbers_written_as_text_or_floats_are_taken():
    config = lesson.check_types({"lesson": "rnn_types", "types": {**SPEC_TYPES, "units": "4", "outputs": 2.0}})
    assert config["types"] == SPEC_TYPES and isinstance(config["types"]["outputs"], int)


def test_the_profiles():
    quick, full = (helpers.lesson_config("rnn_types", profile) for profile in ("quick", "full"))
    assert (full["n_train"], full["n_val"], full["n_test"]) == (3500, 500, 1000)
    assert quick["n_train"] < full["n_train"] and quick["epochs"] < full["epochs"]
