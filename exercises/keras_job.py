"""The runners' part of a "write and train your own model" check (exercise own_model), in Python.

Both runners use this one file inside the learner's process: exercises/runner.py imports it, and
exercises/runner.R imports it through reticulate (the learner's R model is the same Python
object). It never judges: it reports what the learner's model is, as plain data, and the
checker (exercises/checks/own_model.py) turns that into a verdict and a hint.

- install_gate(goal) wraps keras.Model.fit: when the learner's file calls fit, the model is
  described first, and a model that cannot pass (not compiled, a wrong loss, input or output,
  too many parameters; diagnose() says which) is stopped there, before any training, so a
  mistake is named in seconds. Otherwise fit runs unchanged.
- report(model, goal) describes the finished model and, when it was trained, scores it on the
  lesson's test images, read here by the workshop's own code: the learner's numbers are not used.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "python") not in sys.path:
    sys.path.insert(0, str(ROOT / "python"))

SPARSE = "sparse_categorical_crossentropy"
ALIASES = {"SparseCategoricalCrossentropy": SPARSE, "CategoricalCrossentropy": "categorical_crossentropy",
           "MeanSquaredError": "mean_squared_error", "MeanAbsoluteError": "mean_absolute_error"}
STATE = {"stopped": None, "fits": 0}


class StopAtFit(BaseException):
    """A BaseException, so a learner's `except Exception` cannot swallow it."""


def loss_of(model):
    """(loss name, from_logits) as compile() was given them: a string, a Loss object or a function."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return None, False
    if isinstance(loss, str):
        return ALIASES.get(loss, loss), False
    config = loss.get_config() if hasattr(loss, "get_config") else {}
    name = config.get("name") or getattr(loss, "__name__", None) or type(loss).__name__
    return ALIASES.get(name, name), bool(config.get("from_logits", False))


def last_activation(model):
    """The activation of the last layer that has one (Dropout and the like are skipped)."""
    for layer in reversed(model.layers):
        if type(layer).__name__ == "Softmax":
            return "softmax"
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return getattr(activation, "__name__", str(activation))
    return "linear"


def describe(model):
    loss, from_logits = loss_of(model)
    optimizer = getattr(model, "optimizer", None)
    try:
        steps = int(optimizer.iterations.numpy()) if optimizer is not None else 0
    except Exception:   # an optimizer not built yet has taken no step
        steps = 0
    return {"keras_model": True, "total_params": int(model.count_params()),
            "input_shape": [d for d in list(model.inputs[0].shape)[1:]],
            "output_shape": [d for d in list(model.outputs[0].shape)[1:]],
            "layers": [type(layer).__name__ for layer in model.layers],
            "compiled": bool(getattr(model, "compiled", False)), "loss": loss, "from_logits": from_logits,
            "last_activation": last_activation(model), "fits": STATE["fits"], "steps": steps}


def diagnose(desc, goal):
    """The first common mistake the described model shows before training, or None. The order is
    the order a learner writes the code in: the input, the output, compile, then the size."""
    if desc["input_shape"] not in ([28, 28], [28, 28, 1]):
        return "input_shape"
    if len(desc["output_shape"]) != 1:
        return "no_flatten"
    if desc["output_shape"][0] != goal["classes"]:
        return "output_units"
    if not desc["compiled"]:
        return "not_compiled"
    if desc["loss"] == "categorical_crossentropy":
        return "categorical_loss"
    if desc["loss"] != SPARSE:
        return "regression_loss"
    if desc["last_activation"] != "softmax" and not desc["from_logits"]:
        return "no_softmax"
    if desc["last_activation"] == "softmax" and desc["from_logits"]:
        return "double_softmax"
    if desc["total_params"] > goal["max_params"]:
        return "too_many_params"
    return None


def install_gate(goal):
    import keras
    fit = STATE.setdefault("original_fit", keras.Model.fit)   # Keras' own, under any later wrapping

    def gated(self, *args, **kwargs):
        desc = describe(self)
        if diagnose(desc, goal):
            STATE["stopped"] = desc
            raise StopAtFit(f"stopped before training: {diagnose(desc, goal)}")
        STATE["fits"] += 1
        return fit(self, *args, **kwargs)
    keras.Model.fit = gated
    STATE.update(stopped=None, fits=0)


def stopped():
    """The description of a model the gate stopped at fit, as JSON, or "" when none was stopped."""
    return json.dumps(STATE["stopped"]) if STATE["stopped"] is not None else ""


def test_accuracy(model, goal):
    """The share of the lesson's test images the model classifies right, read and scored here."""
    import helpers
    import datasets
    import numpy as np
    settings = helpers.parse_cli(goal["lesson"], ["--profile", goal["profile"]])
    data = datasets.load_images(settings)
    probabilities = np.asarray(model.predict(data["x_test"], verbose=0))
    predicted = probabilities.reshape(len(data["y_test"]), -1).argmax(axis=1)
    return float(np.mean(predicted == np.asarray(data["y_test"]))), int(len(data["y_test"]))


def report(model, goal):
    """The finished model as JSON: its description, and its test accuracy when it was trained and
    shows no mistake that training cannot mend."""
    if not (hasattr(model, "count_params") and hasattr(model, "layers")):
        return json.dumps({"not_a_model": type(model).__name__})
    desc = describe(model)
    if desc["compiled"] and desc["steps"] > 0 and diagnose(desc, goal) is None:
        desc["test_accuracy"], desc["n_test"] = test_accuracy(model, goal)
    return json.dumps(desc)
