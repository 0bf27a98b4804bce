"""Print the figures issue 3 asks for: LeNet-5, the RNN forecaster, LSTM vs GRU.

    .venv/bin/python tools/bench_lessons.py [--outputs DIR]

Each lesson runs in Python in its own process with its full profile (LeNet-5
also with the fashion-full profile: all 60,000 Fashion-MNIST images). The
script prints figures; it never fails on a target. It takes about a quarter of
an hour on 2 CPU cores. Parity with R is the parity test's job, not this one's.
"""
import argparse
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)
PYTHON = sys.executable
LECUN_ERROR = 0.95   # % test error of LeNet-5 on the full MNIST test set (LeCun et al., 1998, Fig. 14)

RUNS = [("lenet5", "full"), ("lenet5", "fashion-full"), ("rnn_forecaster", "full"), ("lstm_vs_gru", "full")]
KINDS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def run(lesson, profile, outputs):
    out = Path(outputs) / f"{lesson}-{profile}"
    start = time.perf_counter()
    done = subprocess.run([PYTHON, f"python/{lesson}.py", "--profile", profile, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(f"{lesson} --profile {profile} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return None, seconds
    return json.loads((out / "results.json").read_text()), seconds


def lenet5_lines(res, seconds):
    c, t = res["config"], res["test"]
    n_train = c["n_train"] or f"all but {c['n_val']} validation"
    return [f"LeNet-5, {c['dataset']} ({n_train} training images, {c['epochs']} epochs, {t['n']} test images): "
            f"test accuracy {100 * t['accuracy']:.2f}% (error {100 * t['error_rate']:.2f}%), "
            f"fit {res['timings']['fit_seconds']:.0f} s, run {seconds:.0f} s"]


def forecaster_lines(res, seconds):
    t, b = res["test"], res["baseline"]
    verdict = "beats" if t["beats_persistence"] else "does NOT beat"
    return [f"SimpleRNN forecaster, {res['config']['dataset'].upper()} test period ({t['n']} days, "
            f"window {res['config']['window']}, {res['config']['epochs']} epochs):",
            f"  RNN          RMSE {t['rmse']:8.2f}   MAE {t['mae']:8.2f}   (index points)",
            f"  persistence  RMSE {b['persistence_rmse']:8.2f}   MAE {b['persistence_mae']:8.2f}",
            f"  -> the RNN {verdict} persistence (RMSE skill {100 * t['rmse_skill']:+.2f}%); run {seconds:.0f} s"]


def lstm_lines(res, seconds):
    t, b, c = res["test"], res["baseline"], res["config"]
    per_epoch = res["timings"]["seconds_per_epoch"]
    lines = [f"LSTM vs GRU vs SimpleRNN on the DAX ({c['n_seeds']} seeds, {c['units']} units, window {c['window']}, "
             f"{c['epochs']} epochs, Adam {c['learning_rate']}):",
             f"  {'model':<11}{'params':>8}{'closed form':>13}{'s/epoch':>9}{'test RMSE mean +- sd':>24}"]
    for kind, label in KINDS.items():
        sd = t[f"{kind}_rmse_sd"]
        rmse = f"{t[kind + '_rmse_mean']:.2f} +- {sd:.2f}" if sd is not None else f"{t[kind + '_rmse_mean']:.2f}"
        lines.append(f"  {label:<11}{t[kind + '_params']:>8,}{t[kind + '_params_closed_form']:>13,}"
                     f"{per_epoch[kind + '_dax']:>9.2f}{rmse:>24}")
    lines.append(f"  {'persistence':<11}{'':>8}{'':>13}{'':>9}{b['persistence_rmse']:>24.2f}")
    a = c["adding"]
    lines.append(f"Adding problem, sequence length T = {a['length']} ({a['n_train']} training sequences, "
                 f"{a['epochs']} epochs, {a['units']} units, Adam {a['learning_rate']}; solved = test MSE < "
                 f"{a['solved_below']}; guessing 1 scores {b['adding_guess_one_mse']:.4f}):")
    for kind, label in KINDS.items():
        verdict = "solved" if t[f"adding_{kind}_solved"] else "FAILED"
        lines.append(f"  {label:<11} test MSE {t[f'adding_{kind}_mse']:.5f}  {verdict:<7}"
                     f"  {per_epoch[kind + '_adding']:.1f} s/epoch")
    lines.append(f"  run {seconds:.0f} s")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tools/bench_lessons.py")
    parser.add_argument("--outputs", help="keep the runs' results here (default: a temporary folder)")
    args = parser.parse_args(argv)
    outputs = args.outputs or tempfile.mkdtemp(prefix="bench_lessons_")
    print(f"# bench_lessons, {datetime.date.today().isoformat()}, outputs in {outputs}\n", flush=True)
    show = {"lenet5": lenet5_lines, "rnn_forecaster": forecaster_lines, "lstm_vs_gru": lstm_lines}
    for lesson, profile in RUNS:
        res, seconds = run(lesson, profile, outputs)
        if res is not None:
            print("\n".join(show[lesson](res, seconds)), flush=True)
        if (lesson, profile) == ("lenet5", "full"):
            print(f"  LeCun et al. (1998) report {LECUN_ERROR}% test error, trained on all 60,000 MNIST digits "
                  f"and tested on all 10,000; the shipped subset has 4,000 and 1,000, so expect a few points more.")
            print("  For that comparison: ./workshop data full-mnist, then --dataset mnist-full.", flush=True)
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
