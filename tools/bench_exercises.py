"""How long checking an exercise takes, per kind and language, and how long the training profiles run.

    .venv/bin/python tools/bench_exercises.py              check times, then the training runs (minutes)
    .venv/bin/python tools/bench_exercises.py --checks     check times only (under a minute)

Each check runs as a learner runs it: a new process, `tools/check.py <id> --lang L --file <solution>`,
best of 2. The training exercises run in a sandbox (a copy of the code, shared_data and .venv
linked) with the change exercises' edits made in both twins, so their checks take the real path,
the compare included. Prints figures; never fails (not a test). docs/bench_exercises.md holds
the latest output.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from exercises.checks import EXERCISES  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
LANGS = ("python", "r")
SUFFIX = {"python": "py", "r": "R"}


def registry():
    return json.loads((ROOT / "exercises" / "exercises.json").read_text())["exercises"]


def timed(command, cwd=ROOT, repeat=1):
    best, done = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
    return best, done


def check_time(root, entry, lang, repeat=2):
    solution = root / entry["files"][f"solution_{'python' if lang == 'python' else 'r'}"]
    seconds, done = timed([PY, str(root / "tools" / "check.py"), entry["id"], "--lang", lang, "--file",
                           str(solution)], cwd=root, repeat=repeat)
    return seconds, done.stdout.strip().split(": ", 2)[1] if ": " in done.stdout else done.stderr.strip()


def kind_of(entry):
    if entry["kind"] == "build":
        return "build (Keras)" if EXERCISES[entry["id"]].keras else "build (by hand)"
    return entry["kind"]


def summary(rows):
    print(f"{'kind':16} {'language':8} {'n':>3} {'median s':>9} {'max s':>7}")
    for kind in ("predict", "build (by hand)", "build (Keras)", "change", "open"):
        for lang in LANGS:
            times = sorted(t for k, l, _, t, _ in rows if k == kind and l == lang)
            if times:
                print(f"{kind:16} {lang:8} {len(times):3d} {times[len(times) // 2]:9.2f} {times[-1]:7.2f}")


def sandbox():
    root = Path(tempfile.mkdtemp(prefix="bench-exercises-"))
    for folder in ("python", "R", "tools", "exercises"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for linked in ("shared_data", ".venv"):
        (root / linked).symlink_to(ROOT / linked)
    for entry in registry():
        if entry["kind"] == "change":
            exercise = EXERCISES[entry["id"]]
            for lang in LANGS:
                path = root / ("python" if lang == "python" else "R") / f"{exercise.lesson}.{SUFFIX[lang]}"
                text = path.read_text()
                for old, new in exercise.lesson_edits[lang]:
                    text = text.replace(old, new)
                path.write_text(text)
    return root


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    print(f"== Exercise checks (a new process each, best of 2; load average {os.getloadavg()[0]:.1f}) ==")
    rows = []
    for entry in registry():
        if entry["kind"] in ("predict", "build"):
            for lang in LANGS:
                seconds, verdict = check_time(ROOT, entry, lang)
                rows.append((kind_of(entry), lang, entry["id"], seconds, verdict))
    for kind, lang, exercise_id, seconds, verdict in rows:
        print(f"{exercise_id:22} {lang:7} {seconds:6.2f} s  {verdict[:60]}")
    if "--checks" not in argv:
        root = sandbox()
        print(f"\n== Training profiles, one run per language (sandbox {root}) ==")
        runs = {(EXERCISES[e["id"]].lesson, EXERCISES[e["id"]].profile)
                for e in registry() if e["kind"] in ("change", "open")}
        for lesson, profile in sorted(runs):
            for lang in LANGS:
                script = root / ("python" if lang == "python" else "R") / f"{lesson}.{SUFFIX[lang]}"
                command = [PY if lang == "python" else "Rscript", str(script), "--profile", profile]
                seconds, done = timed(command, cwd=tempfile.gettempdir())
                print(f"{lesson:16} --profile {profile:9} {lang:7} {seconds:6.1f} s  (exit {done.returncode})")
        for entry in registry():
            if entry["kind"] in ("change", "open"):
                for lang in LANGS:
                    seconds, verdict = check_time(root, entry, lang)
                    rows.append((entry["kind"], lang, entry["id"], seconds, verdict))
                    print(f"{entry['id']:22} {lang:7} {seconds:6.2f} s  {verdict[:70]}")
        shutil.rmtree(root, ignore_errors=True)
    print("\n== Check time per kind (seconds, from starting the command to its verdict) ==")
    summary(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
