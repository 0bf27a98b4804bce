"""Run many command lines that a lesson must refuse, in one Python process (conftest.refuse_all).

    .venv/bin/python tests/cross/refusals_runner.py cases.json answers.json

Starting Python and TensorFlow takes about four seconds, and the bad-input tests hold dozens of
cases, so they share one process: each case calls the lesson's main() through helpers.run_lesson,
exactly as `python python/<lesson>.py ...` does after its imports. A case records its exit status,
what it printed, and any traceback (which a refusal must never show).

A case may name another workshop tree (a copy whose spec or shared_data a test has changed): its
lesson and shared layer are then imported afresh from that tree's python/, as its own command line
would, while TensorFlow, loaded once, stays.
"""
import contextlib
import importlib
import io
import json
import runpy
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
import helpers  # noqa: E402  (sets TensorFlow's environment before any lesson imports keras)


def use_tree(root):
    """Import the workshop's modules from root/python from now on (the lesson, helpers, datasets, ...)."""
    python_dir = str(Path(root) / "python")
    if sys.path[0] != python_dir:
        for name, module in list(sys.modules.items()):
            if str(Path(getattr(module, "__file__", None) or "/").parent) == sys.path[0]:
                del sys.modules[name]
        sys.path[0] = python_dir


def run_top_level(path, args):
    """A lesson written top to bottom (a script and a notebook at once), run as `python path args`."""
    saved = sys.argv
    sys.argv = [str(path), *args]
    try:
        runpy.run_path(str(path), run_name="__main__")
    except Exception as error:
        if type(error).__name__ != "WorkshopError":
            raise
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2)
    finally:
        sys.argv = saved


def run_case(lesson, args, root=None):
    root = Path(root or Path(__file__).resolve().parents[2])
    use_tree(root)
    path = root / "python" / f"{lesson}.py"
    if "\ndef main(" in path.read_text():
        main = importlib.import_module(lesson).main
        run_lesson = importlib.import_module("helpers").run_lesson   # the tree's own, which knows its WorkshopError
        job = lambda: run_lesson(lambda: main(args))   # noqa: E731
    else:
        job = lambda: run_top_level(path, args)   # noqa: E731
    stdout, stderr = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            job()
        except SystemExit as stop:
            status = stop.code
        except Exception:   # a refusal that escapes as a traceback: the test shows it
            traceback.print_exc()
            status = 1
    return {"returncode": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}


if __name__ == "__main__":
    cases = json.loads(Path(sys.argv[1]).read_text())
    answers = [run_case(case["lesson"], case["args"], case.get("root")) for case in cases]
    Path(sys.argv[2]).write_text(json.dumps(answers))
