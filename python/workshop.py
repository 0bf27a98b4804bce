"""The workshop's machinery around a lesson (Python): not Keras, and not what a lesson teaches.

R/workshop.R is its mirror. A lesson file calls it three times and is plain Keras in between:

    import workshop
    settings = workshop.start("cnn_mnist")            # the command line, the spec's settings, the seed
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = workshop.images(settings)
    ...                                               # the model, compile, fit, evaluate, predict
    workshop.save(results, model=model, history=history)   # results.json and its pictures

What it does for the lesson, and why it is not on the lesson's page:
- start() reads the command line (or, in a notebook, the profile given to it), takes the settings
  from shared_data/spec.json, refuses bad options in one sentence, and seeds Python, NumPy and
  TensorFlow with the thread count that makes R and Python compute the same bits;
- images(), series() and the other readers check the offline data files against their checksums;
- save() writes results.json (one schema for both languages) and the pictures that the compare
  and the report read; compare() sets this language's results beside the other's.
In your own project you need none of it: seed with keras.utils.set_random_seed and load your data.
"""
import importlib.util
import os
import sys

# A Python without the workshop's packages (python3 instead of .venv/bin/python) gets one sentence.
_MISSING = [name for name in ("numpy", "keras", "tensorflow") if importlib.util.find_spec(name) is None]
if _MISSING:
    _root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    _lesson = os.path.relpath(sys.argv[0]) if sys.argv and sys.argv[0].endswith(".py") else "python/<lesson>.py"
    print(f"Error: this Python ({sys.executable}) lacks the workshop's packages ({', '.join(_MISSING)}): "
          f"run the lesson with the workshop's own, {os.path.relpath(os.path.join(_root, '.venv', 'bin', 'python'))} "
          f"{_lesson} (./workshop setup makes it).", file=sys.stderr)
    raise SystemExit(2)

import helpers  # noqa: E402  (sets TensorFlow's environment before anything imports it)
import datasets  # noqa: E402
import steps  # noqa: E402
from helpers import WorkshopError  # noqa: E402,F401  (lessons raise it for a bad setting)
# Readers of shared_data/ and small scores several lessons share, under the names the R twin
# gives them with a workshop_ prefix (R/workshop.R).
from datasets import read_novel, series_windows, load_series, verify_file  # noqa: E402,F401
from steps import (confusion_matrix, mean_sd, persistence_scores, plot_confusion,  # noqa: E402,F401
                   regression_scores)
# sunspots: the checked monthly series (python/datasets.py); NumPy's sums and least squares, which
# the R twin calls to agree with Python to the bit; and, for a lesson that trains more models than
# its results summarise, the summary of several models and the checksum of all weights.
from datasets import sunspots  # noqa: E402,F401
from datasets import (numpy_least_squares as least_squares, numpy_mean as mean,  # noqa: E402,F401
                      numpy_row_means as row_means)
from steps import models_summary  # noqa: E402,F401
from helpers import weights_sha256  # noqa: E402,F401
# austen_books: the six novels as words (names masked and as written), one condition's vocabulary
# and passages as integer arrays, and naive Bayes, the yardstick (python/austen_words.py).
from austen_words import book_passages, naive_bayes, naive_bayes_scores, read_books  # noqa: E402,F401
# austen: the novels as character ids, the windows the network trains and is scored on, the n-gram
# yardsticks, the scores in bits per character, the writing and the embedding's view
# (python/austen_ngram.py, python/austen_chars.py).
from austen_ngram import kn_probabilities  # noqa: E402,F401
from austen_chars import (decode, embedding_view, eval_windows, fit_ngram, generate, read_novels,  # noqa: E402,F401
                          score_novels, train_windows, word_vocabulary_size)
# more_hardware: the multiworker strategy with a bounded wait for the other workers, and its one
# replica step, which the R twin takes from Python (python/distribute.py).
from distribute import join_workers, replica_step  # noqa: E402,F401

RUN = {}   # the lesson being run: its settings, its clock, the seconds each fit took


# ---- 1. The start: options, settings, seed --------------------------------------------------
def in_notebook():
    """True in a Jupyter kernel, where sys.argv is the kernel's and no command line exists."""
    return "ipykernel" in sys.modules


def command_line(profile):
    """The lesson's options: the real command line in a script; in a notebook, the profile given in
    the code (and what WORKSHOP_ARGS holds: the tests run notebooks with --out in it)."""
    if not in_notebook():
        argv = sys.argv[1:]
    else:
        argv = os.environ.get("WORKSHOP_ARGS", "").split()
    given = {arg.split("=", 1)[0] for arg in argv}
    if profile is not None and "--profile" not in given:
        argv = ["--profile", profile, *argv]
    return argv


def start(lesson, profile=None):
    """Settings, seed and checks for one run of a lesson; returns the settings (a dict).

    profile is the default when the command line names none: "quick" (seconds) or "full".
    """
    _one_sentence_errors()
    if not in_notebook():   # a script draws into files only: plt.show() shows nothing and says nothing
        import warnings
        os.environ["MPLBACKEND"] = "Agg"
        warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    clock = helpers.stopwatch()
    settings = helpers.parse_cli(lesson, command_line(profile))
    helpers.seed_everything(settings["seed"], settings["threads"])
    _time_every_fit()
    RUN.clear()
    RUN.update(settings=settings, clock=clock, fits=[])
    if "profile" in settings:
        print(f"{lesson}: the {settings['profile']} profile, seed {settings['seed']}; "
              f"results go to {relative_path(settings['out'])}")
    return settings


def relative_path(path):
    """A path as short as it can be said: relative when it lies under the current folder."""
    path, here = os.path.abspath(path), os.path.abspath(os.getcwd())
    return os.path.relpath(path, here) if path.startswith(here + os.sep) else path


def _one_sentence_errors():
    """A WorkshopError ends a script with 'Error: <sentence>' and exit status 2, no traceback; in a
    notebook it shows as that one line too."""
    def hook(kind, error, trace):
        if issubclass(kind, WorkshopError):
            print(f"Error: {error}", file=sys.stderr)
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(2)   # after the sentence; a plain exit would wait for TensorFlow's threads
        sys.__excepthook__(kind, error, trace)
    sys.excepthook = hook
    if in_notebook():
        from IPython import get_ipython
        shell = get_ipython()
        if shell is not None:
            shell.set_custom_exc((WorkshopError,), lambda shell, kind, error, trace, tb_offset=None:
                                 print(f"Error: {error}", file=sys.stderr))


def _time_every_fit():
    """Record how long each fit takes, for the benchmarks' timings (never compared): fit itself
    is unchanged, arguments, result and all."""
    import functools
    import keras
    fit = keras.Model.fit
    if getattr(fit, "_workshop_timed", False):
        return

    @functools.wraps(fit)
    def timed(self, *args, **kwargs):
        clock = helpers.stopwatch()
        try:
            return fit(self, *args, **kwargs)
        finally:
            RUN.setdefault("fits", []).append(clock())
    timed._workshop_timed = True
    keras.Model.fit = timed


# ---- 2. The data, read from shared_data/ and checked ----------------------------------------
def images(settings):
    """((x_train, y_train), (x_val, y_val), (x_test, y_test)), as keras.datasets.mnist.load_data()
    gives them: 28 x 28 uint8 images (0..255) and integer labels 0..9, split as the spec says."""
    data = datasets.load_images(settings)
    return tuple((data["x_" + part], data["y_" + part]) for part in ("train", "val", "test"))


def type_sizes(settings):
    """rnn_types: the spec's "types" sizes (features, units, steps_in, steps_out, outputs), each
    checked to be a whole number above 0; a bad entry is refused in one sentence."""
    import json
    names = ("features", "units", "steps_in", "steps_out", "outputs")
    types = settings.get("types")
    if not isinstance(types, dict) or set(types) != set(names):
        raise WorkshopError(f"shared_data/spec.json must give {settings['lesson']} a \"types\" entry with "
                            f"exactly {', '.join(names)}: restore that entry.")
    sizes = {}
    for key in names:
        sizes[key] = helpers.whole_number(types[key], 1)
        if sizes[key] is None:
            raise WorkshopError(f"shared_data/spec.json sets types.{key} to {json.dumps(types[key])} for "
                                f"{settings['lesson']}: use a whole number above 0.")
    return sizes


def depth_settings(settings, n_rows):
    """cnn_architectures: the depth experiment's part of the spec, checked before any training:
    whole numbers above 0, and no more images than the n_rows there are; a bad entry is refused
    in one sentence."""
    import json
    depth = dict(settings["depth"])
    for key in ("n_train", "epochs", "batch_size", "blocks", "width", "probe_every"):
        depth[key] = helpers.whole_number(depth.get(key), 1)
        if depth[key] is None:
            raise WorkshopError(f"shared_data/spec.json sets depth.{key} to {json.dumps(settings['depth'].get(key))}"
                                f" for the {settings['profile']} profile of {settings['lesson']}: use a whole number above 0.")
    if depth["n_train"] > n_rows:
        raise WorkshopError(f"The depth experiment asks for {depth['n_train']} training images, but the "
                            f"{settings['profile']} profile has only {n_rows}: lower depth.n_train in the spec.")
    return depth


# ---- 3. The end: results.json, its pictures, and the other language's results ----------------
def save(results, model=None, history=None, models=None, plots=None, timings=None):
    """Write results.json (this language's one file for the compare) and the plots.

    results: the lesson's own sections (test scores, predictions, ...); model (or models, several):
    summarised with the sha256 of every weight; history: what fit returned; plots: file name ->
    a function drawing it into a path; timings: extra seconds (never compared).
    """
    settings = RUN["settings"]
    models = [model] if model is not None else list(models or [])
    record = {"lesson": settings["lesson"], **results, "config": settings}
    if history is not None:
        record["history"] = history if isinstance(history, dict) else helpers.history_lists(history)
    if models:
        record["model"] = (helpers.model_summary(models[0]) if len(models) == 1
                           else models_summary(models))
        record["weights_sha256"] = helpers.weights_sha256(*models)
    record["timings"] = {"fit_seconds": sum(RUN["fits"]), **(timings or {}),
                         "total_seconds": RUN["clock"]()}
    record["versions"] = helpers.versions()
    drawn = {name: (lambda path, draw=draw: _draw(draw, path)) for name, draw in (plots or {}).items()}
    if history is not None and "training_curves.png" not in drawn:
        curves = record["history"]
        metric = next(k for k in curves if not k.startswith("val_") and k != "loss") if len(curves) > 2 else None
        drawn = {"training_curves.png": lambda path: helpers.plot_history(
            curves, path, settings.get("title_short", settings["lesson"]),
            metrics=("loss", metric) if metric else ("loss",)), **drawn}
    path = helpers.write_results(settings, record, plots=drawn)
    print(f"Results: {relative_path(path)}")


def _draw(draw, path):
    """A plot function may draw into the path itself, or return a matplotlib figure to be saved."""
    figure = draw(path) if _takes_path(draw) else draw()
    if figure is not None and hasattr(figure, "savefig"):
        helpers.save_figure(figure, path)


def _takes_path(draw):
    import inspect
    try:
        return len(inspect.signature(draw).parameters) > 0
    except (TypeError, ValueError):
        return True


def compare():
    """This lesson's results beside the other language's, value by value (tools/compare.py), once
    both have run; a notebook's optional last step. A script leaves it to ./workshop run."""
    settings = RUN["settings"]
    if not in_notebook():
        return
    sys.path.insert(0, str(helpers.ROOT / "tools"))
    import compare as compare_tool
    outputs = os.path.dirname(os.path.dirname(settings["out"]))
    other = os.path.join(outputs, "r", settings["lesson"], "results.json")
    if not os.path.exists(other):
        print(f"R's results are not there yet ({relative_path(other)}): run R/{settings['lesson']}.R "
              f"(or its notebook) with the same profile, then run this cell again.")
        return None
    compare_tool.main([settings["lesson"], "--outputs", outputs])

