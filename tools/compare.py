"""Compare the Python and R results of each lesson, every value of them, and print one table per lesson.

    python tools/compare.py [lesson ...] [--outputs DIR] [--tolerance X]

tools/report.py prints the same tables and turns them into an HTML page; it imports this
module, never the other way round. ./workshop compare and ./workshop run call report.py,
so every lesson is compared once.

Exit 0 when every row agrees, 1 when any row differs beyond the tolerance, 2 when the
input is unusable (unknown lesson, missing or broken results).

What is compared: the whole results tree, recursively and in both directions, every key
and every value, except the short list NOT_COMPARED below (each entry with its reason),
and the set of plot files each language wrote. A key that only one language writes is a
difference. Numbers must be equal to the last bit: both languages write every double so
that it reads back to the same double (Python's repr; R/helpers.R's to_json with %.17g
where %.15g is not enough), so the default tolerance is 0. The only numbers allowed to
differ are the few in TOLERANCES, each with its reason and the difference measured.
--tolerance lets you compare runs from two machines, where CPU kernels may round
differently: it then allows that absolute difference on every number, and a weights
checksum (which cannot be judged within a tolerance) is reported but not judged.
"""
import argparse
import fnmatch
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

# What the compare leaves out; everything else in results.json is compared. Paths are
# "/"-joined keys from the top of the file.
NOT_COMPARED = {
    "timings": "wall-clock seconds, which vary 10-30% between identical runs (./workshop bench measures speed)",
    "versions": "each language names its own interpreter (Python 3.11, R 4.2), and R adds reticulate's version",
    "language": "names the language that wrote the file",
    "config/out": "each language writes into its own output folder",
}

# The only numbers that may differ between the languages: (lesson, path, how, bound, why).
# Patterns are shell-style (fnmatch); the first that matches a value decides.
TOLERANCES = [
    ("foundations_*", "examples/*numeric*", "abs", 1e-8,
     "finite differences (L(w + h) - L(w - h)) / 2h divide the last-bit differences of the by-hand "
     "losses (about 1e-17) by 2h = 2e-6; measured at most 3.5e-11"),
    ("foundations_*", "examples/*gradcheck*", "abs", 1e-8,
     "the largest gap between those finite differences and the chain rule: the same noise; measured 1.6e-11"),
    ("foundations_*", "examples/*", "rel", 1e-12,
     "by-hand float64 arithmetic: NumPy and base R add the same products in another order (R's %*% "
     "goes through BLAS and sum() through long doubles, NumPy through pairwise sums), so the last "
     "bit or two may differ; measured at most 3.6e-15 relative. Keras' own outputs are exact"),
]


class CompareError(Exception):
    pass


def known_lessons():
    """Every lesson of the spec, in the course's teaching order (lessons_by_hand included)."""
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    order = [lesson for deck in spec["course"]["decks"] for lesson in deck["lessons"]]
    every = [*spec["lessons_by_hand"], *spec["lessons"]]
    return [*[lesson for lesson in order if lesson in every], *[lesson for lesson in every if lesson not in order]]


def load(outputs, language, lesson):
    path = Path(outputs) / language / lesson / "results.json"
    if not path.exists():
        who = "python python" if language == "python" else "Rscript R"
        raise CompareError(f"There are no {language} results for {lesson} at {path}: "
                           f"run ./workshop run (or {who}/{lesson}.{'py' if language == 'python' else 'R'}) first.")
    try:
        results = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CompareError(f"{path} is not valid JSON ({e}): rerun the lesson to rewrite it.")
    if not isinstance(results, dict) or results.get("schema") != "workshop-results/1" or results.get("lesson") != lesson:
        raise CompareError(f"{path} is not a results file of {lesson}: rerun the lesson to rewrite it.")
    return results


def flatten(tree, path=""):
    """Every value of a results tree as {path: value}: lists and dicts opened all the way down.

    An empty list or dict stays a value of its own, so that [] against {} or a missing key
    is still seen. The left-out paths of NOT_COMPARED are dropped here, once.
    """
    if path in NOT_COMPARED:
        return {}
    if isinstance(tree, dict) and tree:
        items = tree.items()
    elif isinstance(tree, list) and tree:
        items = ((str(i), v) for i, v in enumerate(tree))
    else:
        return {path: tree}
    found = {}
    for key, value in items:
        found.update(flatten(value, f"{path}/{key}" if path else str(key)))
    return found


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tolerance_for(lesson, path):
    for lesson_pattern, path_pattern, how, bound, why in TOLERANCES:
        if fnmatch.fnmatch(lesson, lesson_pattern) and fnmatch.fnmatch(path, path_pattern):
            return how, bound
    return None


def judge(lesson, path, a, b, tolerance):
    """(verdict, absolute difference or None) for one value both languages wrote."""
    if is_number(a) and is_number(b):
        if a == b:
            return "identical", 0.0
        diff = abs(a - b)
        rule = tolerance_for(lesson, path)
        if rule is not None:
            how, bound = rule
            allowed = bound * max(1.0, abs(a)) if how == "rel" else bound
            if diff <= allowed:
                return "within tol", diff
        return ("within tol" if diff <= tolerance else "DIFFERENT"), diff
    if type(a) is type(b) and a == b:   # strings, booleans, null, empty lists: exactly, and of one type
        return "identical", None
    if tolerance > 0 and "sha256" in path and isinstance(a, str) and isinstance(b, str):
        return "within tol", None   # a checksum cannot be judged within a tolerance
    return "DIFFERENT", None


# Sections shown as one row each: the file's header, and the settings both read from the spec.
ONE_ROW = {"schema": "file (schema, lesson)", "lesson": "file (schema, lesson)", "config": "config (spec + CLI)"}


def group_of(path):
    """The table row a value belongs to: its section and the key below it (history/loss, test/accuracy)."""
    parts = path.split("/")
    if parts[0] in ONE_ROW:
        return ONE_ROW[parts[0]]
    return "/".join(parts[:2]) if len(parts) > 1 and not parts[1].isdigit() else parts[0]


def count_values(value):
    return sum(count_values(v) for v in value) if isinstance(value, list) else 1


def show(value):
    if isinstance(value, (list, dict)):
        return f"[{count_values(value)} values]" if isinstance(value, list) else "{...}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def pick(tree, group):
    for key in group.split("/"):
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def label_and_shown(group, py, r):
    """What a row says: the last epoch of a history, a single value, or the number of values."""
    if group in ONE_ROW.values():
        return group, "", ""
    a, b = pick(py, group), pick(r, group)
    if group.startswith("history/") and isinstance(a, list) and a:
        return f"{group.replace('/', ' ')} (last of {len(a)})", a[-1], (b[-1] if isinstance(b, list) and b else show(b))
    if group == "weights_sha256":
        return "weights sha256", str(a)[:12], str(b)[:12]
    return group.replace("/", " "), a, b


def plot_files(outputs, language, lesson):
    return sorted(p.name for p in (Path(outputs) / language / lesson).glob("*.png"))


def compare_trees(lesson, py, r, tolerance=0.0):
    """Rows (label, Python, R, max abs diff, verdict), one per group, and the differing values.

    Returns rows, differences [(path, python value, R value)] and the number of values compared.
    """
    flat = {"python": flatten(py), "r": flatten(r)}
    paths = [*flat["python"], *[p for p in flat["r"] if p not in flat["python"]]]
    groups, differences = {}, []
    for path in paths:
        a, b = flat["python"].get(path, "missing"), flat["r"].get(path, "missing")
        if path not in flat["python"] or path not in flat["r"]:
            verdict, diff = "DIFFERENT", None
        else:
            verdict, diff = judge(lesson, path, a, b, tolerance)
        if verdict == "DIFFERENT":
            differences.append((path, a, b))
        group = groups.setdefault(group_of(path), {"verdicts": set(), "diffs": [], "numeric": False})
        group["verdicts"].add(verdict)
        group["numeric"] |= is_number(a) or is_number(b)
        if diff is not None:
            group["diffs"].append(diff)
    rows = []
    for group, seen in groups.items():
        label, a, b = label_and_shown(group, py, r)
        verdict = next(v for v in ("DIFFERENT", "within tol", "identical") if v in seen["verdicts"])
        diff = max(seen["diffs"]) if seen["numeric"] and seen["diffs"] else ""
        rows.append((label, a if a is not None else "missing", b if b is not None else "missing", diff, verdict))
    return rows, differences, len(paths)


def compare_lesson(outputs, lesson, tolerance=0.0, details=None):
    """The rows of one lesson's table; details, a dict if given, receives the differing values and counts."""
    py, r = load(outputs, "python", lesson), load(outputs, "r", lesson)
    rows, differences, n_values = compare_trees(lesson, py, r, tolerance)
    plots = {language: plot_files(outputs, language, lesson) for language in ("python", "r")}
    rows.append(("plot files", len(plots["python"]), len(plots["r"]), "",
                 "identical" if plots["python"] == plots["r"] else "DIFFERENT"))
    if plots["python"] != plots["r"]:
        differences.append(("plot files", ", ".join(plots["python"]) or "none", ", ".join(plots["r"]) or "none"))
    timings = py.get("timings", {}), r.get("timings", {})
    if "fit_seconds" in timings[0] and "fit_seconds" in timings[1]:
        fit_py, fit_r = timings[0]["fit_seconds"], timings[1]["fit_seconds"]
        rows.append(("fit seconds (not judged)", fit_py, fit_r,
                     f"R/Py {fit_r / fit_py:.2f}" if fit_py else "", "-"))
    if details is not None:
        details.update(differences=differences, n_values=n_values + 1, plots=plots)
    return rows


def format_table(lesson, rows, details=None):
    header = ("metric", "Python", "R", "max abs diff", "verdict")
    cells = [header] + [tuple(show(c) if not isinstance(c, str) else c for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    line = lambda row: " | ".join(c.ljust(w) for c, w in zip(row, widths))
    out = [f"== {lesson} ==", line(header), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    if details is not None:
        out.append(f"{details['n_values']} values compared; not compared: {', '.join(NOT_COMPARED)}")
        for path, a, b in details["differences"][:8]:
            out.append(f"  differs: {path}: Python {show(a)}, R {show(b)}")
        if len(details["differences"]) > 8:
            out.append(f"  ... and {len(details['differences']) - 8} more values differ")
    return "\n".join(out)


def compare_all(outputs, lessons, tolerance):
    """{lesson: (rows, details)} for the lessons asked for, or every lesson with results."""
    known = known_lessons()
    for lesson in lessons:
        if lesson not in known:
            raise CompareError(f"Unknown lesson '{lesson}': choose one of {', '.join(known)}.")
    chosen = lessons or [lesson for lesson in known
                         if any((Path(outputs) / language / lesson / "results.json").exists() for language in ("python", "r"))]
    if not chosen:
        raise CompareError(f"There are no results in {outputs}: run ./workshop run first.")
    tables = {}
    for lesson in chosen:
        details = {}
        rows = compare_lesson(outputs, lesson, tolerance, details)
        tables[lesson] = (rows, details)
    return tables


def print_tables(tables, outputs):
    """Print every table; return the lessons where Python and R differ."""
    failed = []
    for lesson, (rows, details) in tables.items():
        print(format_table(lesson, rows, details) + "\n")
        if any(row[4] == "DIFFERENT" for row in rows):
            failed.append(lesson)
    for lesson in tables:
        print(f"{lesson}: plots and results.json in {Path(outputs) / 'python' / lesson} "
              f"and {Path(outputs) / 'r' / lesson}")
    if failed:
        print(f"\nPython and R DIFFER in: {', '.join(failed)}", file=sys.stderr)
    else:
        print("\nPython and R agree on every lesson compared.")
    return failed


def parse_args(argv, prog):
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("lessons", nargs="*", help="default: every lesson with results")
    parser.add_argument("--outputs", default=str(ROOT / "outputs"))
    parser.add_argument("--tolerance", type=float, default=0.0,
                        help="allowed absolute difference of every number (default 0: bit-identical)")
    args = parser.parse_args(argv)
    if not math.isfinite(args.tolerance) or args.tolerance < 0:
        parser.error(f"--tolerance must be a number of 0 or more, not {args.tolerance}")
    return args


def main(argv=None):
    args = parse_args(argv, "tools/compare.py")
    try:
        tables = compare_all(args.outputs, args.lessons, args.tolerance)
    except CompareError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    return 1 if print_tables(tables, args.outputs) else 0


if __name__ == "__main__":
    sys.exit(main())
