"""Benchmark of the CNN architectures lesson: prints figures, never fails on a target.

    .venv/bin/python tools/bench_cnn_architectures.py [--seeds 42 43 44] [--no-r] [--outputs DIR]

The lesson's full profile (all of Fashion-MNIST: 55,000 training images, 5,000 for validation,
the 10,000 test images) runs in Python once per seed, each in its own process, then once in R
with the first seed. It prints, per network, the mean and spread of the test accuracy over the
seeds, and the issue's targets (issue 10):
  - the residual net reaches >= 92.3% test accuracy, with its own training <= 8 minutes;
  - it beats LeNet-5, trained at the same budget, by >= 5 points;
  - the whole full profile takes <= 15 minutes per language;
  - the R/Python fit-time ratio (and whether R's run is bit-identical to Python's).
The machine is shared, so every run prints the load average (uptime) beside its seconds.
About 45 minutes on 2 CPU cores with three seeds and R.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)
import compare  # noqa: E402

LESSON = "cnn_architectures"
LABELS = {"lenet5": "LeNet-5 (1998)", "cnn_mnist": "lesson 1's CNN", "reference": "keras-io convnet",
          "vgg": "VGG-style (2014)", "inception": "Inception-style (2014)", "residual": "residual (2015)"}
TARGET_ACCURACY, TARGET_GAP, TARGET_RESIDUAL_MINUTES, TARGET_PROFILE_MINUTES = 92.3, 5.0, 8.0, 15.0


def load():
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def run(language, seed, out):
    """One full-profile run in its own process: (results, process wall seconds)."""
    cmd = ([sys.executable, f"python/{LESSON}.py"] if language == "python" else ["Rscript", f"R/{LESSON}.R"])
    print(f"  {language} seed {seed}: starting ({load()})", flush=True)
    start = time.perf_counter()
    done = subprocess.run([*cmd, "--profile", "full", "--seed", str(seed), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"  {language} seed {seed} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return None, wall
    results = json.loads((Path(out) / "results.json").read_text())
    print(f"  {language} seed {seed}: process {wall:.0f} s, fit {results['timings']['fit_seconds']:.0f} s, "
          f"residual {100 * results['test']['residual_accuracy']:.2f}% ({load()})", flush=True)
    return results, wall


def spread(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):6.2f} +- {sd:4.2f} (min {min(values):.2f}, max {max(values):.2f})"


def race_lines(runs):
    epochs = runs[0]["config"]["epochs"]
    lines = [f"{'network':<24}{'parameters':>11}{'s/epoch':>9}   test accuracy % over {len(runs)} seed(s)"]
    for key, label in LABELS.items():
        accuracy = [100 * r["test"][f"{key}_accuracy"] for r in runs]
        per_epoch = statistics.mean(r["timings"]["seconds_per_epoch"][key] for r in runs)
        lines.append(f"{label:<24}{runs[0]['test'][key + '_params']:>11,}{per_epoch:>9.1f}   {spread(accuracy)}")
    lines.append(f"(same budget for all: {epochs} epochs, batch {runs[0]['config']['batch_size']}, Adam "
                 f"{runs[0]['config']['learning_rate']} with cosine decay, {runs[0]['test']['n']} test images)")
    return lines


def target_lines(runs, walls):
    residual = [100 * r["test"]["residual_accuracy"] for r in runs]
    gaps = [100 * (r["test"]["residual_accuracy"] - r["test"]["lenet5_accuracy"]) for r in runs]
    minutes = [r["timings"]["seconds_per_epoch"]["residual"] * r["config"]["epochs"] / 60 for r in runs]
    mean = statistics.mean
    verdict = lambda ok: "met" if ok else "MISSED"
    return [
        f"residual test accuracy: mean {mean(residual):.2f}% (per seed {', '.join(f'{a:.2f}' for a in residual)}); "
        f"target >= {TARGET_ACCURACY}%: {verdict(mean(residual) >= TARGET_ACCURACY)}"
        + ("" if mean(residual) >= TARGET_ACCURACY else f" by {TARGET_ACCURACY - mean(residual):.2f} points"),
        f"residual - LeNet-5: mean {mean(gaps):+.2f} points; target >= +{TARGET_GAP}: {verdict(mean(gaps) >= TARGET_GAP)}",
        f"residual's own training: mean {mean(minutes):.1f} min; target <= {TARGET_RESIDUAL_MINUTES}: "
        f"{verdict(max(minutes) <= TARGET_RESIDUAL_MINUTES)}",
        f"whole full profile, Python process: mean {mean(walls) / 60:.1f} min (max {max(walls) / 60:.1f}); "
        f"target <= {TARGET_PROFILE_MINUTES}: {verdict(max(walls) / 60 <= TARGET_PROFILE_MINUTES)}",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tools/bench_cnn_architectures.py")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--no-r", action="store_true", help="skip the R run (and the R/Python ratio)")
    parser.add_argument("--outputs", help="keep the results here (default: a temporary folder)")
    args = parser.parse_args(argv)
    print(f"# bench_cnn_architectures, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        outputs = Path(args.outputs or tmp)
        runs, walls = [], []
        for seed in args.seeds:
            results, wall = run("python", seed, outputs / f"python-{seed}" / "python" / LESSON)
            if results:
                runs.append(results)
                walls.append(wall)
        if not runs:
            print("No Python run finished: nothing to report.")
            return
        print()
        print("\n".join(race_lines(runs)))
        print()
        print("\n".join(target_lines(runs, walls)))
        if args.no_r:
            return
        seed = args.seeds[0]
        r_out = outputs / f"python-{seed}" / "r" / LESSON   # beside Python's run of the same seed, for compare
        r_results, r_wall = run("r", seed, r_out)
        if r_results and runs[0]["config"]["seed"] == seed:
            fit_py, fit_r = runs[0]["timings"]["fit_seconds"], r_results["timings"]["fit_seconds"]
            rows = compare.compare_lesson(outputs / f"python-{seed}", LESSON, 0.0)
            differ = [row[0] for row in rows if row[4] == "DIFFERENT"]
            print(f"R, seed {seed}: process {r_wall / 60:.1f} min; target <= {TARGET_PROFILE_MINUTES}: "
                  f"{'met' if r_wall / 60 <= TARGET_PROFILE_MINUTES else 'MISSED'}")
            print(f"R/Python fit-time ratio (seed {seed}, one run each): {fit_r / fit_py:.3f} "
                  f"({fit_r:.0f} s / {fit_py:.0f} s); process {r_wall / walls[0]:.3f}")
            print("R vs Python, full profile: " + ("bit-identical in every compared row" if not differ
                                                   else f"DIFFERENT in {', '.join(differ)}"))


if __name__ == "__main__":
    main()
