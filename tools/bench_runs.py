"""What the Austen benchmark scripts share: the full profile once per language, each in its own
process, timed with its CPU seconds and the load average around it; then the two results files
read back and compared to the bit (tools/compare.py). Each script prints its own figures after.
"""
import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

LANGUAGES = ("python", "r")


def load():
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def command(language, lesson):
    return [sys.executable, f"python/{lesson}.py"] if language == "python" else ["Rscript", f"R/{lesson}.R"]


def run(language, lesson, outputs, nice):
    """One full-profile run in its own process: wall seconds, CPU seconds, the load around it."""
    out = Path(outputs) / language / lesson
    before, start = load(), time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["nice", "-n", str(nice), *command(language, lesson), "--profile", "full", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    print(f"  {language:<6} run {seconds:4.0f} s, CPU {cpu_seconds:4.0f} s ({before} before, {load()} after)", flush=True)
    if done.returncode != 0:
        print(f"  {language} failed (exit {done.returncode}):\n{done.stderr[-2000:]}", flush=True)


def full_profile_runs(lesson, title, description, nice):
    """Parse --outputs and --reuse, run (or reuse) both languages, print section 1; return the results."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--outputs", default=None, help="where the runs write (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="read the results in --outputs instead of running")
    args = parser.parse_args()
    outputs = Path(args.outputs or tempfile.mkdtemp(prefix=f"bench_{lesson}_"))
    print(f"{title}, {datetime.date.today()}, {os.cpu_count()} CPU cores, outputs in {outputs}\n")
    print("1. The full profile, one process per language:" + (" (reused, not rerun)" if args.reuse else ""))
    if not args.reuse:
        for language in LANGUAGES:
            run(language, lesson, outputs, nice)
    results = {}
    for language in LANGUAGES:
        path = outputs / language / lesson / "results.json"
        if path.exists():
            results[language] = json.loads(path.read_text())
            print(f"  {language:<6} total {results[language]['timings']['total_seconds']:.0f} s "
                  f"(fit {results[language]['timings']['fit_seconds']:.0f} s), as the lesson timed itself")
    if len(results) == 2:
        done = subprocess.run([sys.executable, str(ROOT / "tools" / "compare.py"), lesson, "--outputs", str(outputs)],
                              capture_output=True, text=True)
        verdict = "bit-identical (every value of results.json)" if done.returncode == 0 else "they DIFFER"
        print(f"  Python and R: {verdict}")
    return results
