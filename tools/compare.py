"""Compare the Python and R results of each lesson and print one table per lesson.

    python tools/compare.py [lesson ...] [--outputs DIR] [--tolerance X]

Exit 0 when every row agrees, 1 when any row differs beyond the tolerance,
2 when the input is unusable (unknown lesson, missing or broken results).

Tolerance. Training values (losses, metrics, probabilities) are float32 inside
TensorFlow, so both sides are cast to float32 and must be bit-identical: the
default tolerance is 0. R writes JSON with 15 significant digits, which is more
than the 9 a float32 needs, so nothing is lost on the way. The weights are
compared by sha256 of their float32 bytes. The foundations lesson computes by
hand in float64 in each language; there the two may differ in the last bits, so
its tolerance is 1e-12 relative (the bound issue 4 asks for).
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FOUNDATIONS_TOLERANCE = 1e-12


class CompareError(Exception):
    pass


def known_lessons():
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    return ["foundations", *spec["lessons"]]


def load(outputs, language, lesson):
    path = Path(outputs) / language / lesson / "results.json"
    if not path.exists():
        who = "python python" if language == "python" else "Rscript R"
        raise CompareError(f"There are no {language} results for {lesson} at {path}: "
                           f"run ./workshop run (or {who}/{lesson}.{'py' if language == 'python' else 'R'}) first.")
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise CompareError(f"{path} is not valid JSON ({e}): rerun the lesson to rewrite it.")
    if results.get("schema") != "workshop-results/1" or results.get("lesson") != lesson:
        raise CompareError(f"{path} is not a results file of {lesson}: rerun the lesson to rewrite it.")
    return results


def as_array(value):
    return np.asarray(value, dtype=np.float64)


def max_abs_diff(a, b):
    a, b = as_array(a), as_array(b)
    if a.shape != b.shape:
        return math.inf
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def float32_diff(a, b, tolerance):
    """Both sides as the float32 they were in TensorFlow: max abs diff and verdict."""
    a32, b32 = as_array(a).astype(np.float32), as_array(b).astype(np.float32)
    diff = max_abs_diff(a32, b32)
    if a32.shape == b32.shape and np.array_equal(a32, b32):
        return diff, "identical"
    return diff, "within tol" if diff <= tolerance else "DIFFERENT"


def verdict_relative(a, b, tolerance):
    a, b = as_array(a), as_array(b)
    if a.shape != b.shape:
        return "DIFFERENT"
    if np.array_equal(a, b):
        return "identical"
    ok = np.all(np.abs(a - b) <= tolerance * np.maximum(1.0, np.abs(a)))
    return "within tol" if ok else "DIFFERENT"


def show(value):
    if isinstance(value, (list, dict)):
        array = np.asarray(value, dtype=object)
        return f"[{array.size} values]" if array.ndim else "{...}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def training_rows(py, r, tolerance):
    rows = []
    config_py = {k: v for k, v in py["config"].items() if k != "out"}
    config_r = {k: v for k, v in r["config"].items() if k != "out"}
    rows.append(("config (spec + CLI)", "", "", "", "identical" if config_py == config_r else "DIFFERENT"))
    same_model = py["model"] == r["model"]
    rows.append(("model layers and parameters", py["model"]["total_params"], r["model"]["total_params"], "",
                 "identical" if same_model else "DIFFERENT"))
    for metric in py["history"]:
        a, b = py["history"][metric], r["history"].get(metric, [])
        rows.append((f"history {metric} (last of {len(a)})", a[-1], b[-1] if b else "missing",
                     *float32_diff(a, b, tolerance)))
    for name in ("loss", "accuracy", "rmse", "mae"):
        if name in py["test"]:
            a, b = py["test"][name], r["test"].get(name, math.nan)
            rows.append((f"test {name}", a, b, *float32_diff(a, b, tolerance)))
    a, b = py["predictions"]["probabilities"], r["predictions"]["probabilities"]
    rows.append(("predictions (first rows)", show(a), show(b), *float32_diff(a, b, tolerance)))
    if "confusion_matrix" in py["test"]:
        same = py["test"]["confusion_matrix"] == r["test"]["confusion_matrix"]
        rows.append(("confusion matrix", "", "", "", "identical" if same else "DIFFERENT"))
    same = py["weights_sha256"] == r["weights_sha256"]
    rows.append(("weights sha256", py["weights_sha256"][:12], r["weights_sha256"][:12], "",
                 "identical" if same else "DIFFERENT"))
    fit_py, fit_r = py["timings"]["fit_seconds"], r["timings"]["fit_seconds"]
    rows.append(("fit seconds (not judged)", fit_py, fit_r, f"R/Py {fit_r / fit_py:.2f}", "-"))
    return rows


def foundations_rows(py, r):
    rows = []
    for name, a in py["examples"].items():
        if name not in r["examples"]:
            rows.append((name, show(a), "missing", "", "DIFFERENT"))
            continue
        b = r["examples"][name]
        rows.append((name, show(a), show(b), max_abs_diff(a, b), verdict_relative(a, b, FOUNDATIONS_TOLERANCE)))
    for name in r["examples"]:
        if name not in py["examples"]:
            rows.append((name, "missing", show(r["examples"][name]), "", "DIFFERENT"))
    return rows


def compare_lesson(outputs, lesson, tolerance):
    py, r = load(outputs, "python", lesson), load(outputs, "r", lesson)
    return foundations_rows(py, r) if lesson == "foundations" else training_rows(py, r, tolerance)


def format_table(lesson, rows):
    header = ("metric", "Python", "R", "max abs diff", "verdict")
    cells = [header] + [tuple(show(c) if not isinstance(c, str) else c for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    line = lambda row: " | ".join(c.ljust(w) for c, w in zip(row, widths))
    out = [f"== {lesson} ==", line(header), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./workshop compare")
    parser.add_argument("lessons", nargs="*", help="default: every lesson with results")
    parser.add_argument("--outputs", default=str(ROOT / "outputs"))
    parser.add_argument("--tolerance", type=float, default=0.0,
                        help="allowed max abs diff for training values (default 0: bit-identical)")
    args = parser.parse_args(argv)
    lessons = known_lessons()
    try:
        for lesson in args.lessons:
            if lesson not in lessons:
                raise CompareError(f"Unknown lesson '{lesson}': choose one of {', '.join(lessons)}.")
        chosen = args.lessons or [l for l in lessons
                                  if (Path(args.outputs) / "python" / l / "results.json").exists()
                                  or (Path(args.outputs) / "r" / l / "results.json").exists()]
        if not chosen:
            raise CompareError(f"There are no results in {args.outputs}: run ./workshop run first.")
        tables = {lesson: compare_lesson(args.outputs, lesson, args.tolerance) for lesson in chosen}
    except CompareError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    failed = []
    for lesson, rows in tables.items():
        print(format_table(lesson, rows) + "\n")
        if any(row[4] == "DIFFERENT" for row in rows):
            failed.append(lesson)
    for lesson in tables:
        print(f"{lesson}: plots and results.json in {Path(args.outputs) / 'python' / lesson} "
              f"and {Path(args.outputs) / 'r' / lesson}")
    if failed:
        print(f"\nPython and R DIFFER in: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("\nPython and R agree on every lesson compared.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
