"""The RNN part's by-hand, predict and Keras-build exercises: rnn_forecaster, lstm_vs_gru,
rnn_types, sunspots.

The expected values come from closed forms (rnn_types' five types, below) and the lessons' own
functions (lstm_vs_gru's closed_form_params, sunspots' baselines), taken with keras stubbed out
so that no by-hand check starts TensorFlow, and from the shared spec's sizes.
"""
import json

import numpy as np

import foundations_recurrence as fr

from .base import KERAS_SECONDS, ROOT, ByHand, Mistake, Predict, lesson, register
from .foundations import sigmoid, weights


def spec():
    return json.loads((ROOT / "shared_data" / "spec.json").read_text())


def answers(**values):
    return lambda: values


def params(kind, h, x):
    return lesson("lstm_vs_gru").closed_form_params(kind, h, x)


# rnn_types' counts in closed form (the lesson writes them out where it builds the five types).
TYPE_SIZES = ("features", "units", "steps_in", "steps_out", "outputs")


def rnn_params(h, x):
    return h * (h + x) + h


def dense_params(k, w):
    return k * (w + 1)


def type_by_hand(name, types):
    """Input shape, output shape and parameters of one of the five types (no batch axis)."""
    x, h, t_in, t_out, k = (types[key] for key in TYPE_SIZES)
    head = dense_params(k, h)
    return {
        "one_to_one": ([x], [k], dense_params(h, x) + head),
        "one_to_many": ([x], [t_out, k], rnn_params(h, x) + head),
        "many_to_one": ([t_in, x], [k], rnn_params(h, x) + head),
        "many_to_many_equal": ([t_in, x], [t_in, k], rnn_params(h, x) + head),
        "many_to_many_unequal": ([t_in, x], [t_out, k], rnn_params(h, x) + rnn_params(h, h) + head),
    }[name]


# ---- rnn_forecaster ----------------------------------------------------------------
@register
class RnnParams(Predict):
    id = "rnn_params"

    @staticmethod
    def expected():
        units = spec()["lessons"]["rnn_forecaster"]["profiles"]["full"]["units"]
        return {"rnn_params": params("simple_rnn", units, 1), "head_params": dense_params(1, units),
                "rnn_params_quick": params("simple_rnn", spec()["lessons"]["rnn_forecaster"]["profiles"]["quick"]["units"], 1)}

    mistakes = [
        Mistake("no_recurrent_weights", answers(rnn_params=32 * 1 + 32),
                "{name} is {got}, which is not it yet: a SimpleRNN also has the h x h recurrent "
                "weights that carry h(t-1) into h(t).",
                {"python": [("32 * (32 + 1) + 32", "32 * 1 + 32")], "r": [("32 * (32 + 1) + 32", "32 * 1 + 32")]}),
        Mistake("window_as_input", answers(rnn_params=params("simple_rnn", 32, 20)),
                "{name} is {got}, which is not it yet: each step reads one number (the model "
                "reshapes the window to 20 steps x 1 value), and all 20 steps share the same weights.",
                {"python": [("32 * (32 + 1) + 32", "32 * (32 + 20) + 32")],
                 "r": [("32 * (32 + 1) + 32", "32 * (32 + 20) + 32")]}),
        Mistake("no_bias", answers(rnn_params=32 * 33),
                "{name} is {got}, which is not it yet: the SimpleRNN also has one bias per unit.",
                {"python": [("32 * (32 + 1) + 32", "32 * (32 + 1)")], "r": [("32 * (32 + 1) + 32", "32 * (32 + 1)")]}),
    ]


# ---- lstm_vs_gru -------------------------------------------------------------------
@register
class LstmGruParams(Predict):
    id = "lstm_gru_params"

    @staticmethod
    def expected():
        return {kind: params(kind, 32, 1) for kind in ("simple_rnn", "lstm", "gru")}

    mistakes = [
        Mistake("lstm_three_blocks", answers(lstm=3 * params("simple_rnn", 32, 1)),
                "{name} is {got}, which is not it yet: an LSTM has four blocks of weights, the "
                "forget, update (input) and output gates and the candidate.",
                {"python": [("lstm = 4 * ", "lstm = 3 * ")], "r": [("lstm <- 4 * ", "lstm <- 3 * ")]}),
        Mistake("gru_one_bias", answers(gru=3 * params("simple_rnn", 32, 1)),
                "{name} is {got}, which is not it yet: Keras' GRU (reset_after=True, its default) "
                "has two biases per block, 3 x (h(h + x) + 2h).",
                {"python": [("32 * (32 + 1) + 2 * 32", "32 * (32 + 1) + 32")],
                 "r": [("32 * (32 + 1) + 2 * 32", "32 * (32 + 1) + 32")]}),
        Mistake("lstm_no_recurrent", answers(lstm=4 * (32 * 1 + 32)),
                "{name} is {got}, which is not it yet: every LSTM block reads [a(t-1), x(t)], so it "
                "has h x (h + x) weights, the recurrent ones too.",
                {"python": [("lstm = 4 * (32 * (32 + 1) + 32)", "lstm = 4 * (32 * 1 + 32)")],
                 "r": [("lstm <- 4 * (32 * (32 + 1) + 32)", "lstm <- 4 * (32 * 1 + 32)")]}),
    ]


def gru_by(c, keep_with_z=False, reset=True):
    p, h, x = c["p"], c["h_prev"], c["x_t"]
    hx = np.concatenate([h, x])
    z, r = sigmoid(p["W_z"] @ hx + p["b_z"]), sigmoid(p["W_r"] @ hx + p["b_r"])
    h_tilde = np.tanh(p["W_h"] @ np.concatenate([r * h if reset else h, x]) + p["b_h"])
    return z * h + (1 - z) * h_tilde if keep_with_z else (1 - z) * h + z * h_tilde


@register
class GruStep(ByHand):
    id = "gru_step"
    function = "gru_step"
    mistakes = [
        Mistake("keeps_old_state_with_z", lambda c: gru_by(c, keep_with_z=True),
                "your h mixes the other way round: on the slide the old state is kept with 1 - z, "
                "h(t) = (1 - z) * h(t-1) + z * h~ (Keras keeps it with z; lesson 0d shows the sign flip).",
                {"python": [("(1 - z) * h_prev + z * h_tilde", "z * h_prev + (1 - z) * h_tilde")],
                 "r": [("(1 - z) * h_prev + z * h_tilde", "z * h_prev + (1 - z) * h_tilde")]}),
        Mistake("no_reset_gate", lambda c: gru_by(c, reset=False),
                "your candidate h~ ignores the reset gate: h~ = tanh(W_h [r * h(t-1), x(t)] + b_h).",
                {"python": [("np.concatenate([r * h_prev, x_t])", "np.concatenate([h_prev, x_t])")],
                 "r": [("c(r * h_prev, x_t)", "c(h_prev, x_t)")]}),
    ]

    def cases(self, rng):
        names = [f"{w}_{g}" for g in "zrh" for w in "Wb"]
        return [{"x_t": rng.normal(size=n_x), "h_prev": rng.normal(size=n_h), "p": weights(rng, names, n_h, n_x)}
                for n_h, n_x in ((3, 2), (2, 1), (4, 3))]

    def job(self, file, language):
        job = super().job(file, language)
        job["cases"] = [{**c, "p": {k: v.tolist() for k, v in c["p"].items()}} for c in job["cases"]]
        return job

    def expected(self, c):
        return fr.gru_cell(c["x_t"], c["h_prev"], c["p"], reset_after=False)

    def describe(self, c):
        return f"a GRU of {len(c['h_prev'])} units with {len(c['x_t'])} inputs"


# ---- rnn_types ---------------------------------------------------------------------
def types():
    return spec()["lessons"]["rnn_types"]["types"]


@register
class RnnTypesShapes(Predict):
    id = "rnn_types_shapes"

    @staticmethod
    def expected():
        by_hand = lambda name: type_by_hand(name, types())
        return {"one_to_one_params": by_hand("one_to_one")[2], "many_to_one_params": by_hand("many_to_one")[2],
                "many_to_many_unequal_params": by_hand("many_to_many_unequal")[2],
                "many_to_many_equal_shape": by_hand("many_to_many_equal")[1]}

    mistakes = [
        Mistake("no_decoder", answers(many_to_many_unequal_params=type_by_hand(
            "many_to_one", types())[2]),
                "{name} is {got}, which is not it yet: the unequal many-to-many has a second "
                "recurrent layer, the decoder, which reads the encoder's h: h(h + h) + h more.",
                {"python": [("(4 * (4 + 3) + 4) + (4 * (4 + 4) + 4)", "(4 * (4 + 3) + 4)")],
                 "r": [("(4 * (4 + 3) + 4) + (4 * (4 + 4) + 4)", "(4 * (4 + 3) + 4)")]}),
        Mistake("last_step_only", answers(many_to_many_equal_shape=[2]),
                "{name} is {got}, which is not it yet: with return_sequences=True the RNN gives "
                "an h at every step, so the Dense head gives one output per input step.",
                {"python": [("many_to_many_equal_shape = [5, 2]", "many_to_many_equal_shape = [2]")],
                 "r": [("many_to_many_equal_shape <- c(5, 2)", "many_to_many_equal_shape <- c(2)")]}),
        Mistake("head_without_bias", answers(many_to_one_params=4 * (4 + 3) + 4 + 2 * 4),
                "{name} is {got}, which is not it yet: the Dense head has k(h + 1) parameters, "
                "its biases too.",
                {"python": [("many_to_one_params = (4 * (4 + 3) + 4) + 2 * (4 + 1)",
                             "many_to_one_params = (4 * (4 + 3) + 4) + 2 * 4")],
                 "r": [("many_to_one_params <- (4 * (4 + 3) + 4) + 2 * (4 + 1)",
                        "many_to_one_params <- (4 * (4 + 3) + 4) + 2 * 4")]}),
    ]


@register
class EncoderDecoder(ByHand):
    """Build in Keras: judged on the model's summary (shapes, layers, parameters), not on numbers."""
    id = "encoder_decoder"
    function = "build_encoder_decoder"
    time_limit = KERAS_SECONDS
    keras = True
    mistakes = [
        Mistake("no_repeat", None,
                "your model's output has the input's {steps_in} steps: the decoder must run {steps_out} steps, "
                "so hand the encoder's last h to each of them with RepeatVector({steps_out}).",
                {"python": [("layers.SimpleRNN(units)(inputs)", "layers.SimpleRNN(units, return_sequences=True)(inputs)"),
                            ("layers.RepeatVector(steps_out)(summary)", "summary")],
                 "r": [("keras$layers$SimpleRNN(units)(inputs)",
                        "keras$layers$SimpleRNN(units, return_sequences = TRUE)(inputs)"),
                       ("keras$layers$RepeatVector(steps_out)(summary)", "summary")]}),
        Mistake("decoder_last_step_only", None,
                "your model gives one output, not one per step: the decoder needs return_sequences=True.",
                {"python": [("units, return_sequences=True)(repeated)", "units)(repeated)")],
                 "r": [("units, return_sequences = TRUE)(repeated)", "units)(repeated)")]}),
    ]

    def cases(self, rng):
        return [{"steps_in": 7, "steps_out": 4, "features": 2, "units": 5, "outputs": 3},
                {"steps_in": 6, "steps_out": 2, "features": 3, "units": 8, "outputs": 1}]

    def judge_case(self, c, got):
        if not isinstance(got, dict) or not got.get("keras_model"):
            return f"your {self.function} should give back a Keras model (keras.Model), not {type(got).__name__}."
        sizes = {"features": c["features"], "units": c["units"], "steps_in": c["steps_in"],
                 "steps_out": c["steps_out"], "outputs": c["outputs"]}
        _, out_shape, n_params = type_by_hand("many_to_many_unequal", sizes)
        if got["input_shape"] != [c["steps_in"], c["features"]]:
            return (f"your model reads {got['input_shape']}, but it should read {c['steps_in']} steps of "
                    f"{c['features']} features: keras.Input(shape=(steps_in, features)).")
        if got["output_shape"] == [c["steps_in"], c["outputs"]] or got["output_shape"][:1] == [c["steps_in"]]:
            return self.mistakes[0].hint.format(**c), self.mistakes[0].name
        if got["output_shape"] == [c["outputs"]]:
            return self.mistakes[1].hint.format(**c), self.mistakes[1].name
        if got["output_shape"] != list(out_shape):
            return f"your model gives {got['output_shape']} per example, but it should give {list(out_shape)}."
        if got["total_params"] != n_params:
            return (f"your model has {got['total_params']:,} parameters, but the encoder-decoder of lesson 6 "
                    f"has {n_params:,} for these sizes: one SimpleRNN encoder, RepeatVector, one SimpleRNN "
                    f"decoder and one Dense head, nothing more.")
        return None


# ---- sunspots ----------------------------------------------------------------------
@register
class SunspotBaselines(ByHand):
    id = "sunspot_baselines"
    function = "sunspot_baselines"
    mistakes = [
        Mistake("persistence_one_month_late", lambda c: {"persistence": np.repeat(
            c["values"][c["first"] - 2:c["stop"] - 12 - 1][:, None], 12, axis=1)},
                "your persistence forecasts use the month before the last one: from origin t, persistence "
                "repeats values[t - 1], the last month seen.",
                {"python": [("values[t - 1]", "values[t - 2]")], "r": [("values[t - 1L]", "values[t - 2L]")]}),
        Mistake("mean_includes_origin", lambda c: {"persistence": baselines(c)[0]["persistence"],
                                                   "mean12": np.repeat(np.array([c["values"][t - 11:t + 1].mean()
                                                       for t in range(c["first"], c["stop"] - 11)])[:, None], 12, axis=1)},
                "your mean of 12 months reaches into the future: from origin t, average values[t - 12] to "
                "values[t - 1], the 12 months already seen.",
                {"python": [("values[t - 12:t]", "values[t - 11:t + 1]")],
                 "r": [("values[(t - 12L):(t - 1L)]", "values[(t - 11L):t]")]}),
    ]

    def cases(self, rng):
        out = []
        for n, first, stop in ((120, 60, 90), (100, 40, 70)):
            out.append({"values": np.round(rng.gamma(2.0, 40.0, size=n), 1), "first": first, "stop": stop})
        return out

    def job(self, file, language):
        job = super().job(file, language)
        if language == "r":   # R counts positions from 1: the same months, R's numbers for them
            for case in job["cases"]:
                case["first"], case["stop"] = case["first"] + 1, case["stop"] + 1
        return job

    def expected(self, c):
        forecasts, _ = baselines(c)
        return {"persistence": forecasts["persistence"], "mean12": forecasts["mean12"]}

    def describe(self, c):
        return f"{len(c['values'])} months and {c['stop'] - 12 - c['first'] + 1} forecast origins"


def baselines(c):
    cut = {"train": (0, c["first"]), "test": (c["first"], c["stop"])}
    return lesson("sunspots").baselines(np.asarray(c["values"]), cut, {"horizon": 12, "ar_order": 12})
