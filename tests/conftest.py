"""Shared test set-up: the lesson code is importable, and subprocess helpers run each language in its own process."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

sys.path.insert(0, str(ROOT / "tools"))


def run_lesson(language, lesson, *args, env=None, timeout=600):
    """Run one lesson in its own process, from the workshop folder, and return the CompletedProcess."""
    if language == "python":
        cmd = [sys.executable, f"python/{lesson}.py", *args]
    else:
        cmd = ["Rscript", f"R/{lesson}.R", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def read_results(out_dir):
    return json.loads((Path(out_dir) / "results.json").read_text())


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of shared_data that a test may break without touching the real one."""
    target = tmp_path / "shared_data"
    shutil.copytree(ROOT / "shared_data", target)
    return target


@pytest.fixture(scope="session")
def quick_outputs(tmp_path_factory):
    """Run a lesson's quick profile once per test session, in Python and in R, each in its own process.

    Call it with a lesson name; it returns the outputs folder (outputs/<language>/<lesson>/ inside)
    that the parity, report and slide tests share, so no lesson trains twice in one session.
    """
    root = tmp_path_factory.mktemp("quick_outputs")
    done = set()

    def ensure(lesson):
        if lesson not in done:
            args = [] if lesson == "foundations" else ["--profile", "quick"]
            for language in ("python", "r"):
                out = root / language / lesson
                ran = run_lesson(language, lesson, *args, "--out", str(out))
                assert ran.returncode == 0, f"{language} {lesson} failed:\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
            done.add(lesson)
        return root

    return ensure
