"""Write and train your own model (own_model): the checker judges the trained model itself.

The child runner runs the learner's file with keras.Model.fit gated (exercises/keras_job.py, the
same Python code in both languages): a model with one of the mistakes below is stopped before any
training; a finished one is described and scored on the lesson's test images by the workshop's
own code. This file turns that description into a verdict. The goal (accuracy, parameters, the
data) is written once, in exercises.json's "goal".

Each hint is one text for both languages, its code in Python's syntax; speak() gives an R learner
the same words with R's (keras3's) syntax. A mistake that stops the code before there is a model
(a fraction where a count belongs, a Conv2D without a channel axis) is known by its error (crash).
"""
import json

from .base import ROOT, Exercise, Mistake, register

TRAIN_SECONDS = 240   # the learner's own training: about 10 s for a small network on 2 cores

SOLUTION_DENSE = {"python": 'layers.Dense(10, activation="softmax")', "r": 'layer_dense(units = 10, activation = "softmax")'}
SOLUTION_LOSS = {"python": 'loss="sparse_categorical_crossentropy"', "r": 'loss = "sparse_categorical_crossentropy"'}

MISTAKES = [
    Mistake("input_shape", None,
            "your model's input does not have the shape of the images, 28 x 28 pixels each: start your model "
            "with keras.Sequential([keras.Input(shape=(28, 28)), ...]), then your layers.",
            {"python": [("keras.Input(shape=(28, 28))", "keras.Input(shape=(784,))")],
             "r": [("input_shape = c(28, 28)", "input_shape = 784")]}),
    Mistake("no_channel", None,
            "a Conv2D reads images with a channel axis (28 x 28 x 1 for grey ones), but yours reach it as "
            "28 x 28: give them that axis first, layers.Reshape((28, 28, 1)).",
            {"python": [("    layers.Reshape((28, 28, 1)),\n", "")], "r": [("  layer_reshape(c(28, 28, 1)) |>\n", "")]},
            crash={"python": r"expected min_ndim=4, found ndim=3", "r": r"expected min_ndim=4, found ndim=3"}),
    Mistake("no_flatten", None,
            "your model gives a whole map of numbers per image, not one row of scores: flatten the maps "
            "(a Flatten layer) before the dense layers.",
            {"python": [("    layers.Flatten(),\n", "")], "r": [("  layer_flatten() |>\n", "")]}),
    Mistake("output_units", None,
            "your last layer gives {units} score(s) per image, but there are 10 classes, the digits 0 to 9: "
            "the last layer needs one unit per class.",
            {"python": [(SOLUTION_DENSE["python"], 'layers.Dense(1, activation="softmax")')],
             "r": [(SOLUTION_DENSE["r"], 'layer_dense(units = 1, activation = "softmax")')]}),
    Mistake("not_compiled", None,
            "your model is not compiled yet: compile it (an optimizer, a loss, metrics) before you fit it.",
            {"python": [("model.compile(", "dict(")], "r": [("model |> compile(", "model |> list(")]}),
    Mistake("categorical_loss", None,
            'your labels are whole numbers 0..9, one per image, not one-hot rows of 10, so '
            'loss="categorical_crossentropy" cannot compare them with your 10 outputs: compile with the '
            'loss made for whole-number labels, loss="sparse_categorical_crossentropy".',
            {"python": [(SOLUTION_LOSS["python"], 'loss="categorical_crossentropy"')],
             "r": [(SOLUTION_LOSS["r"], 'loss = "categorical_crossentropy"')]}),
    Mistake("regression_loss", None,
            'loss="{loss}" measures how far one number is from another, as for a regression; to choose '
            'one of 10 classes with whole-number labels, compile with loss="sparse_categorical_crossentropy".',
            {"python": [(SOLUTION_LOSS["python"], 'loss="mse"')], "r": [(SOLUTION_LOSS["r"], 'loss = "mse"')]}),
    Mistake("no_softmax", None,
            'your last layer gives raw scores (its activation is {activation}), but the loss expects '
            'probabilities: give the last layer activation="softmax" (or tell the loss from_logits=True).',
            {"python": [(SOLUTION_DENSE["python"], "layers.Dense(10)")], "r": [(SOLUTION_DENSE["r"], "layer_dense(units = 10)")]}),
    Mistake("double_softmax", None,
            'your last layer already gives probabilities (activation="softmax"), but the loss was told '
            'from_logits=True and would apply softmax a second time: keep one of the two.',
            {"python": [(SOLUTION_LOSS["python"], "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)")],
             "r": [(SOLUTION_LOSS["r"], "loss = loss_sparse_categorical_crossentropy(from_logits = TRUE)")]}),
    Mistake("too_many_params", None,
            "your model has {params:,} parameters, more than the {max_params:,} allowed: most of them sit in "
            "the first dense layer after Flatten; give it fewer units, or make the maps it reads smaller "
            "(fewer filters, or one more pooling).",
            {"python": [('layers.Dense(32, activation="relu")', 'layers.Dense(256, activation="relu")')],
             "r": [('layer_dense(units = 32, activation = "relu")', 'layer_dense(units = 256, activation = "relu")')]}),
    Mistake("fractional_count", None,
            "a number of units or filters, or a kernel size, must be a whole number, and one of yours is not "
            "(look at the number you wrote, or at the division that made it).",
            {"python": [('layers.Dense(32, activation="relu")', 'layers.Dense(65 / 2, activation="relu")')],
             "r": [('layer_dense(units = 32, activation = "relu")', 'layer_dense(units = 65 / 2, activation = "relu")')]},
            crash={"python": r"expected a positive integer|Cannot convert '\(.*\)' to a shape\. Found invalid dimension"
                             r"|argument must be a tuple of \d+ integers|must be evenly divisible by the number of groups",
                   "r": r"must be a whole number"}),
    Mistake("not_fitted", None,
            "your model has not been trained yet: after compiling it, fit it to the training images and "
            "labels, for a few epochs.",
            {"python": [("history = model.fit(", "history = (lambda *args, **kwargs: None)(")],
             "r": [("history <- model |> fit(", "history <- model |> list(")]}),
    Mistake("too_weak", None,
            "{params:,} parameters is within the limit, but your model gets {accuracy:.1%} of the test digits "
            "right, below {min_accuracy:.0%}: train it longer (more epochs), give the optimizer a larger "
            "learning rate, or let a convolution and a pooling find the strokes before the dense layers.",
            {"python": [('optimizer="adam"', "optimizer=keras.optimizers.SGD(learning_rate=0.0001)"),
                        ("epochs=5", "epochs=1")],
             "r": [('optimizer = "adam"', "optimizer = optimizer_sgd(learning_rate = 0.0001)"),
                   ("epochs = 5", "epochs = 1")]}),
]


def goal_of(exercise_id):
    entries = json.loads((ROOT / "exercises" / "exercises.json").read_text())["exercises"]
    return next(e["goal"] for e in entries if e["id"] == exercise_id)


class TrainedModel(Exercise):
    """The learner's file trains a model, `model`; the checker judges that model."""
    kind = "train"
    time_limit = TRAIN_SECONDS
    keras = True
    name = "model"
    mistakes = MISTAKES
    timeout_message = ("your code was stopped after {seconds} seconds, still training: train a smaller "
                       "model, or for fewer epochs (a small network needs about ten seconds here).")

    @property
    def goal(self):
        return {**goal_of(self.id), "name": self.name}

    def job(self, file, language):
        return {"file": str(file), "model": self.goal, "time_limit": self.time_limit}

    def hint(self, name, **values):
        mistake = next(m for m in self.mistakes if m.name == name)
        return mistake.hint.format(**values), name

    def judge(self, values, language):
        desc, goal = values.get("model"), self.goal
        if not isinstance(desc, dict) or "not_a_model" in (desc or {}):
            kind = (desc or {}).get("not_a_model", type(desc).__name__)
            return False, f"{self.name} should be your Keras model, not a {kind}: keep the name the starter gives it.", None
        import sys
        sys.path.insert(0, str(ROOT / "exercises"))
        from keras_job import diagnose   # NumPy-free and Keras-free: the same rules the gate used
        problem = diagnose(desc, goal)
        values = {"units": desc["output_shape"][-1] if desc["output_shape"] else None, "loss": desc["loss"],
                  "activation": desc["last_activation"], "params": desc["total_params"],
                  "max_params": goal["max_params"], "min_accuracy": goal["min_accuracy"]}
        if problem:
            return (False, *self.hint(problem, **values))
        if desc["steps"] == 0:
            return (False, *self.hint("not_fitted", **values))
        accuracy = desc["test_accuracy"]
        if accuracy < goal["min_accuracy"]:
            return (False, *self.hint("too_weak", accuracy=accuracy, **values))
        return True, (f"passed: your model gets {accuracy:.1%} of the {desc['n_test']} test digits right, which "
                      f"it never saw in training, with {desc['total_params']:,} parameters (at most "
                      f"{goal['max_params']:,}; lesson 1's network has 225,034)."), None


@register
class OwnModel(TrainedModel):
    id = "own_model"
