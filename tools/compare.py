"""Compare the Python and R results of each lesson and print one table per lesson.

    python tools/compare.py [lesson ...] [--outputs DIR] [--tolerance X]

tools/report.py turns the same rows into an HTML page; it imports this module,
never the other way round. ./workshop compare runs both.

Exit 0 when every row agrees, 1 when any row differs beyond the tolerance,
2 when the input is unusable (unknown lesson, missing or broken results).

Tolerance. Both languages write every number so that it reads back to the same
double (Python's repr; R/helpers.R's to_json with %.17g where %.15g is not
enough), so training values (losses, metrics, probabilities) must be exactly
equal: the default tolerance is 0. --tolerance lets you compare runs from two
different machines, where CPU kernels may round differently. The weights are
compared by the sha256 of their float32 bytes.

The foundations topics (the spec's lessons_by_hand, one table each) compute by
hand in float64 in each language, adding in different orders, so there the bound
is 1e-12 relative (the one issue 4 sets); their finite-difference gradients
divide rounding noise by 2h = 2e-6, so they get 1e-8 absolute; their keras_*
values are float32 layers fed from two languages, so they get 1e-5 relative.
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)
FOUNDATIONS_TOLERANCE = 1e-12
NUMERIC_GRADIENT_TOLERANCE = 1e-8
FLOAT32_TOLERANCE = 1e-5


class CompareError(Exception):
    pass


def known_lessons():
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    return [*spec["lessons_by_hand"], *spec["lessons"]]


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


def exact_diff(a, b, tolerance):
    """Max abs diff and verdict: identical means every bit of every number."""
    diff = max_abs_diff(a, b)
    if as_array(a).shape == as_array(b).shape and np.array_equal(as_array(a), as_array(b)):
        return diff, "identical"
    return diff, "within tol" if diff <= tolerance else "DIFFERENT"


def foundations_verdict(name, a, b):
    a, b = as_array(a), as_array(b)
    if a.shape != b.shape:
        return "DIFFERENT"
    if np.array_equal(a, b):
        return "identical"
    if "numeric" in name or "gradcheck" in name:
        ok = np.all(np.abs(a - b) <= NUMERIC_GRADIENT_TOLERANCE)
    else:
        tolerance = FLOAT32_TOLERANCE if name.startswith("keras_") else FOUNDATIONS_TOLERANCE
        ok = np.all(np.abs(a - b) <= tolerance * np.maximum(1.0, np.abs(a)))
    return "within tol" if ok else "DIFFERENT"


def show(value):
    if isinstance(value, (list, dict)):
        array = np.asarray(value, dtype=object)
        return f"[{array.size} values]" if array.ndim else "{...}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def numeric_rows(prefix, py_section, r_section, tolerance):
    """One row per entry: numbers with a max abs diff, other entries (strings, tables) by equality."""
    rows = []
    for name, a in py_section.items():
        label = f"{prefix} {name}"
        if name not in r_section:
            rows.append((label, show(a), "missing", "", "DIFFERENT"))
        elif isinstance(a, (int, float)) or (isinstance(a, list) and np.asarray(a).dtype.kind == "f"):
            b = r_section[name]
            rows.append((label, show(a), show(b), *exact_diff(a, b, tolerance)))
        else:
            rows.append((label, show(a), show(r_section[name]), "",
                         "identical" if a == r_section[name] else "DIFFERENT"))
    return rows


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
                     *exact_diff(a, b, tolerance)))
    rows += numeric_rows("test", py["test"], r["test"], tolerance)
    rows += numeric_rows("baseline", py.get("baseline", {}), r.get("baseline", {}), tolerance)
    rows += numeric_rows("predictions", py["predictions"], r["predictions"], tolerance)
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
        rows.append((name, show(a), show(b), max_abs_diff(a, b), foundations_verdict(name, a, b)))
    for name in r["examples"]:
        if name not in py["examples"]:
            rows.append((name, "missing", show(r["examples"][name]), "", "DIFFERENT"))
    return rows


def compare_lesson(outputs, lesson, tolerance):
    py, r = load(outputs, "python", lesson), load(outputs, "r", lesson)
    return training_rows(py, r, tolerance) if "history" in py else foundations_rows(py, r)


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
