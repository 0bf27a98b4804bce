"""The plumbing every Python lesson shares. R/helpers.R is its mirror, in the same order.

Importing this module sets TensorFlow's environment, so import it before keras.
"""
import hashlib
import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


# ---- 1. Runtime: TensorFlow reads these once, when it starts -------------------
# oneDNN and the thread count change the floating-point bits, so both languages
# pin them identically before TensorFlow loads. KERAS_HOME keeps a user's
# ~/.keras/keras.json from changing the backend or the float type.
RUNTIME_ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "KERAS_BACKEND": "tensorflow",
    "KERAS_HOME": str(ROOT / ".keras"),
    "PYTHONHASHSEED": "0",
}
os.environ.update(RUNTIME_ENV)


class WorkshopError(Exception):
    """A problem the user can fix; its message is one plain sentence."""


# ---- 2. The shared spec and the command line ------------------------------------
def load_spec():
    with open(ROOT / "shared_data" / "spec.json") as f:
        return json.load(f)


def lesson_config(lesson, profile="quick", dataset=None, seed=None,
                  out=None, data_dir=None, distribute=None):
    """Merge the spec's lesson and profile with the command-line choices (distribute: None for the
    lesson's own, which is "none" but for more_hardware)."""
    spec = load_spec()
    lessons = spec["lessons"]
    out = str(out or ROOT / "outputs" / "python" / lesson)
    data_dir = str(data_dir or ROOT / "shared_data")
    if lesson in spec["lessons_by_hand"]:   # nothing to train: no profile, only where to write
        return {"lesson": lesson, "out": out, "data_dir": data_dir}
    if lesson not in lessons:
        names = [*spec["lessons_by_hand"], *lessons]
        raise WorkshopError(f"Unknown lesson '{lesson}': choose one of {', '.join(names)}.")
    entry = lessons[lesson]
    if profile not in entry["profiles"]:
        raise WorkshopError(f"Unknown profile '{profile}': choose one of {', '.join(entry['profiles'])}.")
    config = {k: v for k, v in entry.items() if k not in NOT_SETTINGS}
    config.update(entry["profiles"][profile])
    config.update(lesson=lesson, profile=profile, threads=spec["threads"],
                  n_predictions=spec["n_predictions"])
    # Imported here, not at the top: distribute imports helpers, so a top-level import would be circular.
    from distribute import DISTRIBUTIONS, multiworker_cluster
    if distribute is not None and lesson not in DISTRIBUTE_LESSONS:
        raise WorkshopError(f"{lesson} trains on one device and takes no --distribute: "
                            f"training on several devices is the lesson more_hardware.")
    distribute = entry.get("distribute", "none") if distribute is None else distribute
    if distribute not in DISTRIBUTIONS:
        raise WorkshopError(f"Unknown distribution '{distribute}': choose one of {', '.join(DISTRIBUTIONS)}.")
    if distribute == "multiworker":
        multiworker_cluster(lesson)   # a lesson that cannot, or a bad TF_CONFIG: refused before any data is read
    config.update(distribute=distribute, logical_cpus=spec["logical_cpus"])
    if dataset is not None:
        config["dataset"] = dataset
    if config["dataset"] not in entry["datasets"]:
        raise WorkshopError(f"Unknown dataset '{config['dataset']}' for {lesson}: "
                            f"choose one of {', '.join(entry['datasets'])}.")
    config = check_profile(config)
    if seed is not None:
        top = MAX_SEED - config.get("n_seeds", 1) + 1   # the lesson also uses the n_seeds - 1 seeds after it
        config["seed"] = whole_number(seed, 0, top)
        if config["seed"] is None:
            raise WorkshopError(f"The seed must be a whole number from 0 to {top}, not '{seed}'.")
    config["out"], config["data_dir"] = out, data_dir
    return config


# The spec's entries about a lesson, not settings it runs with: they stay out of its config.
NOT_SETTINGS = ("profiles", "title", "datasets", "bench", "deck_quotes", "exercises")

# R's integers stop at 2**31 - 1 (Keras would take up to 2**32 - 1): one range for both languages.
MAX_SEED = 2**31 - 1


def whole_number(value, low, high=MAX_SEED):
    """value as an int from low to high (given as a number, or as digits), or None if it is not one."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        return None
    return int(value)


def check_profile(config):
    """Refuse numbers in spec.json that no lesson can run with, before any data is read."""
    def refuse(key, fix, settings=config):   # key may be nested: adding.length is settings["length"]
        raise WorkshopError(f"shared_data/spec.json sets {key} to {json.dumps(settings.get(key.split('.')[-1]))} "
                            f"for the {config['profile']} profile of {config['lesson']}: {fix}.")
    for key in [k for k in ("epochs", "batch_size", "n_train", "n_val", "n_test", "units", "window", "n_seeds")
                if k in config]:
        all_rows = key in ("n_train", "n_test")   # null means every row of the file
        if not (all_rows and config[key] is None):
            if whole_number(config[key], 1) is None:
                refuse(key, "use a whole number above 0" + (" (or null for all rows)" if all_rows else ""))
            config[key] = whole_number(config[key], 1)
    top = MAX_SEED - config.get("n_seeds", 1) + 1   # the lesson also uses the n_seeds - 1 seeds after it
    if whole_number(config["seed"], 0, top) is None:
        refuse("seed", f"use a whole number from 0 to {top}")
    config["seed"] = whole_number(config["seed"], 0, top)
    for key in [k for k in ("train_fraction", "val_fraction") if k in config]:
        if isinstance(config[key], bool) or not isinstance(config[key], (int, float)) or not 0 < config[key] < 1:
            refuse(key, "use a number between 0 and 1")
    if config.get("train_fraction", 0) + config.get("val_fraction", 0) >= 1:
        refuse("train_fraction", "keep train_fraction + val_fraction below 1, so that a test part is left")
    if "adding" in config:   # lstm_vs_gru's second task; a mark falls in each half, so length is 2 or more
        adding = config["adding"] = dict(config["adding"]) if isinstance(config["adding"], dict) else {}
        for key, low in (("length", 2), ("n_train", 1), ("n_test", 1), ("epochs", 1), ("batch_size", 1), ("units", 1)):
            if whole_number(adding.get(key), low) is None:
                refuse(f"adding.{key}", f"use a whole number above {low - 1}", adding)
            adding[key] = whole_number(adding[key], low)
        for key in ("learning_rate", "solved_below"):
            value = adding.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
                refuse(f"adding.{key}", "use a number above 0", adding)
    return config


def about_time(seconds):
    """A measured run time as a learner reads it: "about 20 s", "about 3 min"."""
    return f"about {seconds} s" if seconds < 90 else f"about {round(seconds / 60)} min"


def help_text(lesson, language="python"):
    """What --help prints: the same lines in both languages, each naming its own command."""
    spec = load_spec()
    every = {**spec["lessons_by_hand"], **spec["lessons"]}
    if lesson not in every:
        raise WorkshopError(f"Unknown lesson '{lesson}': choose one of {', '.join(every)}.")
    entry, times = every[lesson], spec.get("run_seconds", {}).get(lesson, {})
    run, twin = ((f".venv/bin/python python/{lesson}.py", f"Rscript R/{lesson}.R") if language == "python"
                 else (f"Rscript R/{lesson}.R", f".venv/bin/python python/{lesson}.py"))
    lines = [f"{lesson}: {entry['title']}.",
             f"Usage: {run} [options]   (the twin in the other language: {twin})"]
    if lesson in spec["lessons_by_hand"]:
        lines.append("It trains nothing; the one option:")
    else:
        profiles = [f"{name}{' (' + about_time(times[name]) + ' on 2 cores)' if name in times else ''}"
                    for name in entry["profiles"]]
        first = entry["profiles"]["quick"]
        lines += ["Options, each at most once, as --key value or --key=value:",
                  f"  --profile NAME   {', '.join(profiles)}; the default is quick",
                  f"  --dataset NAME   {', '.join(entry['datasets'])} (the quick profile's is {first['dataset']})",
                  f"  --seed N         a whole number from 0 to {MAX_SEED - first.get('n_seeds', 1) + 1} "
                  f"(the quick profile's is {first['seed']})",
                  "  --data-dir DIR   the folder holding the data and MANIFEST.sha256 (default shared_data)"]
        if lesson in DISTRIBUTE_LESSONS:
            lines.append(f"  --distribute HOW none, mirrored (a copy per device) or multiworker (a copy per machine); "
                         f"the default is {entry.get('distribute', 'none')}")
    lines += [f"  --out DIR        where results.json and the pictures go (default outputs/{language}/{lesson})",
              "  --help           this text"]
    return "\n".join(lines)


# The lessons that take --distribute: training on several devices or machines is taught in one place,
# with its training loop written out; every other lesson trains with fit on one device.
DISTRIBUTE_LESSONS = ("more_hardware",)


def parse_cli(lesson, argv=None):
    """The options, each at most once, as --key value or --key=value; the same loop as R's parse_cli.
    --help prints help_text and ends the run."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        print(help_text(lesson, "python"))
        raise SystemExit(0)
    options = ["profile", "dataset", "seed", "out", "data-dir", *(["distribute"] if lesson in DISTRIBUTE_LESSONS else [])]
    values = {}
    while args:
        key = args[0].split("=", 1)[0].removeprefix("--")
        if not args[0].startswith("--") or key not in options:
            why = "only the lesson more_hardware trains on several devices; " if key == "distribute" else ""
            raise WorkshopError(f"Unknown option '{args[0]}': {why}use --{', --'.join(options)}.")
        if key in values:
            raise WorkshopError(f"The option '--{key}' is given twice: give it once.")
        if "=" in args[0]:
            values[key], args = args[0].split("=", 1)[1], args[1:]
        elif len(args) < 2 or args[1].startswith("--"):   # "--profile --out DIR": the value was forgotten
            raise WorkshopError(f"The option '--{key}' needs a value.")
        else:
            values[key], args = args[1], args[2:]
        if values[key] == "":
            raise WorkshopError(f"The option '--{key}' needs a value.")
    for key in values:   # an option a lesson would ignore is refused, not silently accepted
        if key != "out" and lesson in load_spec()["lessons_by_hand"]:
            raise WorkshopError(f"{lesson} trains nothing, so it takes only --out: leave out --{key}.")
    config = lesson_config(lesson, values.get("profile", "quick"), values.get("dataset"), values.get("seed"),
                           values.get("out"), values.get("data-dir"), values.get("distribute"))
    check_out(config["out"])
    return config


def check_out(out):
    """Refuse, before any training, an output folder that cannot be made or written; leave nothing behind."""
    existing = Path(out)
    while not os.path.lexists(existing):   # the folder itself, or the nearest part of its path that exists
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == Path(out) else f"lies under {existing}, which is a file"
        raise WorkshopError(f"The output folder {out} {where}, not a folder: choose another with --out.")
    try:
        tempfile.NamedTemporaryFile(dir=existing, prefix=".probe-").close()   # deleted as it closes
    except OSError as e:
        raise WorkshopError(f"The output folder {out} cannot be written ({e.strerror}): "
                            f"choose another with --out.")


# ---- 3. Seeding and determinism -------------------------------------------------
def seed_everything(seed, threads):
    import tensorflow as tf
    import keras
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    tf.config.experimental.enable_op_determinism()
    keras.utils.set_random_seed(seed)   # seeds Python, NumPy and TensorFlow


# ---- 5. Results: one JSON schema for both languages -------------------------------
def weights_sha256(*models):
    """sha256 of all weights as little-endian float32, C order, model after model in the order given."""
    digest = hashlib.sha256()
    for model in models:
        for w in model.get_weights():
            digest.update(np.ascontiguousarray(w, dtype="<f4").tobytes())
    return digest.hexdigest()


def model_summary(model):
    layers = [{"name": layer.name,
               "class": type(layer).__name__,
               "output_shape": list(layer.output.shape),
               "params": int(layer.count_params())} for layer in model.layers]
    return {"layers": layers, "total_params": int(model.count_params())}


def versions():
    import keras
    import tensorflow as tf
    return {"language": f"Python {platform.python_version()}", "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def history_lists(history):
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def plain(value):
    """NumPy numbers and arrays as the plain numbers and lists JSON holds (full precision)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to results.json")


def write_results(config, results, plots=None):
    """Write the plots and results.json to temporary files, then rename them all into place.

    A write that fails (a full disk) leaves every earlier file of the folder as it was, and no
    temporary file: renames cost no space, so they come only after every file has been written.
    """
    out = Path(config["out"])
    results = {"schema": "workshop-results/1", "language": "python", **results}
    staged = {}   # final path -> its temporary file, in the order written
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, draw in (plots or {}).items():
            staged[out / name] = out / f".{name}.tmp.png"
            draw(staged[out / name])
        staged[out / "results.json"] = out / ".results.json.tmp"
        staged[out / "results.json"].write_text(json.dumps(results, indent=1, default=plain) + "\n")
    except BaseException as e:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            where = next(reversed(staged), out)
            raise WorkshopError(f"{e.strerror or e} while writing {where}: earlier results kept.") from None
        raise
    for final, tmp in staged.items():
        os.replace(tmp, final)
    return out / "results.json"


def stopwatch():
    start = time.perf_counter()
    return lambda: time.perf_counter() - start


def run_lesson(main):
    """Run a lesson's main(); a WorkshopError becomes one sentence and exit code 2."""
    try:
        main()
    except WorkshopError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(2)


# ---- 5b. Pictures: matplotlib to files, and the learning curves every lesson draws ----
def pyplot():
    """matplotlib's pyplot, drawing to files only, so no screen is needed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, path, dpi=100):
    try:
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=dpi)
    finally:   # a failed write (a full disk) must not leave the figure open
        pyplot().close(fig)


def plot_history(history, path, title, metrics=("loss", "accuracy")):
    """Training and validation curves, one panel per metric."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = range(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "o-", label="training")
        ax.plot(epochs, history["val_" + metric], "s--", label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=f"{title}: {metric} (Python)")
        ax.legend()
    save_figure(fig, path)
