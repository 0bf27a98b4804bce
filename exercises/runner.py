"""Runs learners' Python exercise files for tools/check.py, many jobs in one process.

Reads a JSON list of jobs on stdin and prints one JSON answer per job, one a line. The checker
never runs a learner's code itself: it starts this file as a child, so a crash, an endless loop
or a stray sys.exit() stays here. Each job runs the learner's file in a fresh namespace (so
earlier jobs leave nothing behind) under its own time limit (SIGALRM), then calls the job's
function on each hidden case, or reads the job's variables. Errors are reported as the
learner's own message and line, found in the traceback by the learner's file name.
"""
import json
import math
import signal
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))   # the Keras exercise imports helpers, as lessons do


class TimeLimit(BaseException):
    """A BaseException, so a learner's bare `except Exception` cannot swallow it."""


def on_alarm(signum, frame):
    raise TimeLimit()


def plain(value):
    """NumPy, Keras and Python values as JSON-able data; a Keras model as its summary."""
    if hasattr(value, "count_params") and hasattr(value, "layers"):
        return {"keras_model": True, "total_params": int(value.count_params()),
                "input_shape": [d for d in list(value.inputs[0].shape)[1:]],
                "output_shape": [d for d in list(value.outputs[0].shape)[1:]],
                "layers": [type(layer).__name__ for layer in value.layers]}
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"unsupported_type": type(value).__name__}


def arrays(value):
    """Lists become NumPy arrays, also inside a dict of weights."""
    import numpy as np
    if isinstance(value, dict):
        return {k: arrays(v) for k, v in value.items()}
    return np.asarray(value, dtype=float) if isinstance(value, list) else value


def where(error, path):
    """The learner's own line: the innermost traceback frame in their file."""
    if isinstance(error, SyntaxError) and error.filename == path:
        return error.lineno, (error.text or "").strip()
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
    return (frames[-1].lineno, (frames[-1].line or "").strip()) if frames else (None, "")


def run_job(job):
    path = str(Path(job["file"]).resolve())
    namespace = {"__name__": "__exercise__", "__file__": path}
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, job["time_limit"])
    try:
        source = Path(path).read_text()
        if job.get("model"):   # a model the learner writes and trains: described, and scored here
            return run_model_job(job, source, path, namespace)
        if job.get("assignments_only"):   # a copy of a lesson: its named lines only, not its training
            source = assignments(source, job["names"])
        exec(compile(source, path, "exec"), namespace)
        if job.get("function"):
            fn = namespace.get(job["function"])
            if not callable(fn):
                return {"status": "missing", "name": job["function"]}
            values = [plain(fn(**arrays(case))) for case in job["cases"]]
        else:
            missing = [n for n in job["names"] if n not in namespace]
            if missing:
                return {"status": "missing", "name": missing[0]}
            values = {n: plain(namespace[n]) for n in job["names"]}
        return {"status": "ok", "values": values}
    except TimeLimit:
        return {"status": "timeout"}
    except (Exception, SystemExit, KeyboardInterrupt) as error:
        line, code = where(error, path)
        return {"status": "error", "line": line, "code": code,
                "message": f"{type(error).__name__}: {error}"}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def assignments(source, names):
    """The top-level assignments to the named variables, at their own lines (the rest blanked)."""
    import ast
    lines = source.splitlines()
    keep = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in names for t in node.targets):
            keep.update(range(node.lineno, node.end_lineno + 1))
    return "\n".join(line if i in keep else "" for i, line in enumerate(lines, start=1)) + "\n"


def run_model_job(job, source, path, namespace):
    """exec the learner's file with keras.Model.fit gated (exercises/keras_job.py): a model with a
    listed mistake is stopped before training; a finished one is described and scored."""
    sys.path.insert(0, str(ROOT / "exercises"))
    import keras_job
    goal = job["model"]
    keras_job.install_gate(goal)
    try:
        exec(compile(source, path, "exec"), namespace)
    except keras_job.StopAtFit:
        return {"status": "ok", "values": {"model": json.loads(keras_job.stopped())}}
    if goal["name"] not in namespace:
        return {"status": "missing", "name": goal["name"]}
    return {"status": "ok", "values": {"model": json.loads(keras_job.report(namespace[goal["name"]], goal))}}


def main():
    jobs = json.load(sys.stdin)
    for job in jobs:
        answer = run_job(job)
        # marked, so that a learner's print() cannot pass for an answer
        print("@answer " + json.dumps({"key": job["key"], **answer}), flush=True)


if __name__ == "__main__":
    main()
