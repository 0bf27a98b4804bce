"""Benchmark of the CNN lesson: prints figures, never fails on a target.

    ./workshop bench            (or .venv/bin/python tools/bench.py [--seeds 1 2 3])

On the lesson's full split of the shipped 5k MNIST subset (3,500 train, 500
validation, 1,000 test), in one process and interleaved seed by seed:
  - the keras-io reference convnet (Conv32-Pool-Conv64-Pool-Flatten-Dropout(0.5)-Dense10,
    adam, batch 128, 15 epochs),
  - the lesson's CNN with its full profile.
Then the lesson in Python and in R, each in its own process, for the R/Python wall-time ratio.
Targets (from issue 2): lesson mean >= reference mean + 1 point, at <= 1.5x its
wall time; R/Python ratio <= 1.05.
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

import helpers  # noqa: E402  (sets TensorFlow's environment first)
import datasets
from helpers import ROOT  # noqa: E402
import jupytext  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402


def reference_convnet():
    """keras-io's 'Simple MNIST convnet', with the lesson's in-model scaling."""
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Rescaling(1 / 255),
        layers.Reshape((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def compile_reference(model, config, n_train):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def lesson_model(config, n_train):
    """The lesson's own model and compile cells (python/cnn_mnist.py, sections 2 and 3), run as they stand."""
    cells = jupytext.read(ROOT / "python" / "cnn_mnist.py").cells
    namespace = {"keras": keras, "layers": layers, "np": np, "settings": config, "x_train": np.empty(n_train)}
    for heading in ("## 2. The model", "## 3. Compile"):
        at = next(i for i, cell in enumerate(cells) if cell.cell_type == "markdown"
                  and ("\n" + cell.source).find("\n" + heading) >= 0)
        exec(cells[at + 1].source.replace("model.summary()", ""), namespace)
    return namespace["model"]


def compile_lesson(model, config, n_train):
    return model   # compiled by its own cell in lesson_model


def train_and_score(model, compile_model, data, config):
    compile_model(model, config, n_train=len(data["y_train"]))
    start = time.perf_counter()
    model.fit(data["x_train"], data["y_train"], validation_data=(data["x_val"], data["y_val"]),
              epochs=config["epochs"], batch_size=config["batch_size"], shuffle=True, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)
    return accuracy, seconds


def summary(values, unit=""):
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.4g}{unit} +- {spread:.2g}{unit} (min {min(values):.4g}, max {max(values):.4g})"


def compare_models(seeds):
    lesson = helpers.lesson_config("cnn_mnist", "full")
    reference = {**lesson, "epochs": 15, "batch_size": 128}
    data = datasets.load_images(lesson)
    scores = {"reference": [], "lesson": []}
    times = {"reference": [], "lesson": []}
    for seed in seeds:
        for name, build, compile_model, config in (
                ("reference", reference_convnet, compile_reference, reference),
                ("lesson", lambda: lesson_model(lesson, len(data["y_train"])), compile_lesson, lesson)):
            helpers.seed_everything(seed, lesson["threads"])
            accuracy, seconds = train_and_score(build(), compile_model, data, config)
            scores[name].append(accuracy * 100)
            times[name].append(seconds)
            print(f"  seed {seed}  {name:9s}  test accuracy {accuracy:.2%}  fit {seconds:.1f} s", flush=True)
    n = len(data["y_train"])
    print(f"\nTest accuracy on {len(data['y_test'])} held-out digits ({n} training, {len(seeds)} seeds):")
    for name in scores:
        print(f"  {name:9s}  {summary(scores[name], '%')}   fit {summary(times[name], ' s')}")
    gain = statistics.mean(scores["lesson"]) - statistics.mean(scores["reference"])
    ratio = statistics.mean(times["lesson"]) / statistics.mean(times["reference"])
    print(f"  lesson - reference: {gain:+.2f} points (target >= +1.00); "
          f"wall time ratio {ratio:.2f} (target <= 1.50)")


def run_lesson_process(language, out):
    """One full-profile run in its own process: (fit seconds, process wall seconds, process CPU seconds)."""
    cmd = [sys.executable, "python/cnn_mnist.py"] if language == "python" else ["Rscript", "R/cnn_mnist.R"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*cmd, "--profile", "full", "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    fit = json.loads((Path(out) / "results.json").read_text())["timings"]["fit_seconds"]
    return fit, wall, cpu


def language_ratio(repeats=3):
    """Python and R alternate, a few times each; the best of each is kept, as timing noise only adds."""
    runs = {"python": [], "r": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeats):
            for language in runs:
                runs[language].append(run_lesson_process(language, Path(tmp) / f"{language}{k}"))
    best = {language: [min(column) for column in zip(*values)] for language, values in runs.items()}
    print(f"\nThe lesson's full profile, each language in its own process (best of {repeats}):")
    for language, (fit, wall, cpu) in best.items():
        print(f"  {language:6s}  fit {fit:.1f} s   whole process {wall:.1f} s, CPU {cpu:.1f} s")
    (fit_py, wall_py, cpu_py), (fit_r, wall_r, cpu_r) = best["python"], best["r"]
    print(f"  R/Python ratio: fit {fit_r / fit_py:.3f}, whole process {wall_r / wall_py:.3f}, "
          f"CPU {cpu_r / cpu_py:.3f} (target <= 1.05)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tools/bench.py")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args(argv)
    print(f"CNN on MNIST: lesson vs the keras-io reference convnet, {time.strftime('%Y-%m-%d')}")
    compare_models(args.seeds)
    language_ratio()


if __name__ == "__main__":
    main()
