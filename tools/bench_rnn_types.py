"""Print the figures issue 11 asks for about bidirectional RNNs: an LSTM against a Bidirectional
LSTM reading MNIST digits row by row, over several seeds, in Python and in R.

    .venv/bin/python tools/bench_rnn_types.py [--seeds 3] [--profile full] [--outputs DIR]

Each seed runs the lesson rnn_types in its own process, Python then R (interleaved, so a busy
machine slows both alike). It prints the test accuracy (mean +- sd over the seeds), the
seconds per epoch, the parameters, whether R and Python trained the same weights, and the R /
Python fit-time ratio (best run of each). It prints figures and never fails on a target.
About 10 minutes on 2 CPU cores for 3 seeds.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

READERS = {"lstm": "LSTM", "bilstm": "Bidirectional LSTM"}
COMMANDS = {"python": [sys.executable, "python/rnn_types.py"], "r": ["Rscript", "R/rnn_types.R"]}


def load():
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def run(language, seed, profile, outputs):
    out = Path(outputs) / language / f"seed{seed}"
    before, start = load(), time.perf_counter()
    done = subprocess.run([*COMMANDS[language], "--profile", profile, "--seed", str(seed), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    print(f"  {language:<6} seed {seed}: run {seconds:5.0f} s ({before} before, {load()} after)", flush=True)
    if done.returncode != 0:
        print(f"  {language} seed {seed} failed (exit {done.returncode}):\n{done.stderr[-2000:]}", flush=True)
        return None
    return json.loads((out / "results.json").read_text())


def mean_sd(values, scale=1.0, digits=2):
    values = scale * np.asarray(values, dtype=float)
    if len(values) < 2:
        return f"{values.mean():.{digits}f}" if len(values) else "-"
    return f"{values.mean():.{digits}f} +- {values.std(ddof=1):.{digits}f}"


def report(runs, seeds):
    py = [res for res in runs["python"] if res is not None]
    if not py:
        print("No Python run finished: nothing to report.")
        return
    config = py[0]["config"]
    print(f"\nLSTM vs Bidirectional LSTM, each MNIST digit read as 28 rows of 28 pixels (many-to-one); "
          f"{config['dataset']}, {config['n_train']} training / {config['n_val']} validation / "
          f"{py[0]['test']['n']} test digits, {config['units']} units, {config['epochs']} epochs, batch "
          f"{config['batch_size']}, Adam {config['learning_rate']} with cosine decay; seeds {', '.join(map(str, seeds))}:")
    print(f"  {'model':<20}{'params':>8}{'s/epoch (Python)':>20}{'s/epoch (R)':>16}{'test accuracy % (Python)':>28}")
    r = [res for res in runs["r"] if res is not None]
    for kind, label in READERS.items():
        accuracy = [res["test"][f"{kind}_accuracy"] for res in py]
        per_epoch = {language: [res["timings"]["seconds_per_epoch"][kind] for res in results]
                     for language, results in (("python", py), ("r", r))}
        print(f"  {label:<20}{py[0]['test'][kind + '_params']:>8,}{mean_sd(per_epoch['python']):>20}"
              f"{mean_sd(per_epoch['r']):>16}{mean_sd(accuracy, 100):>28}")
    gain = [res["test"]["bilstm_accuracy"] - res["test"]["lstm_accuracy"] for res in py]
    print(f"  per seed, test accuracy LSTM / Bidirectional (%): "
          + "; ".join(f"{100 * res['test']['lstm_accuracy']:.1f} / {100 * res['test']['bilstm_accuracy']:.1f}"
                      for res in py))
    print(f"  Bidirectional minus LSTM: {mean_sd(gain, 100)} points; "
          f"its epochs take {np.mean([res['timings']['seconds_per_epoch']['bilstm'] / res['timings']['seconds_per_epoch']['lstm'] for res in py]):.2f}x "
          f"as long (Python), for {py[0]['test']['bilstm_params'] / py[0]['test']['lstm_params']:.2f}x the parameters")
    pairs = [(a, b) for a, b in zip(runs["python"], runs["r"]) if a is not None and b is not None]
    same = sum(a["weights_sha256"] == b["weights_sha256"] and a["test"] == b["test"] for a, b in pairs)
    print(f"  R and Python trained the same weights (sha256) and scored the same: {same} of {len(pairs)} seeds")
    if r:
        best = {language: min(res["timings"]["fit_seconds"] for res in results) for language, results in (("python", py), ("r", r))}
        print(f"  fit seconds, best of {len(py)} / {len(r)}: Python {best['python']:.1f}, R {best['r']:.1f}: "
              f"R / Python {best['r'] / best['python']:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tools/bench_rnn_types.py")
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds, from the profile's seed up")
    parser.add_argument("--profile", default="full")
    parser.add_argument("--outputs", help="keep the runs' results here (default: a temporary folder)")
    args = parser.parse_args(argv)
    outputs = args.outputs or tempfile.mkdtemp(prefix="bench_rnn_types_")
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    first = spec["lessons"]["rnn_types"]["profiles"][args.profile]["seed"]
    seeds = [first + k for k in range(args.seeds)]
    print(f"# bench_rnn_types, {datetime.date.today().isoformat()}, {os.cpu_count()} CPU cores, "
          f"profile {args.profile}, outputs in {outputs}", flush=True)
    runs = {"python": [], "r": []}
    for seed in seeds:
        for language in runs:
            runs[language].append(run(language, seed, args.profile, outputs))
    report(runs, seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
