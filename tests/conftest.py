"""Shared test set-up: the lesson code is importable, and subprocess helpers run each language in its own process."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

sys.path.insert(0, str(ROOT / "tools"))


def run_lesson(language, lesson, *args, env=None, timeout=600, cwd=None):
    """Run one lesson in its own process and return the CompletedProcess.

    By default it runs from a folder outside the workshop, as a learner may: every lesson,
    in both languages, must find its helpers and data from wherever it is started.
    """
    if language == "python":
        cmd = [sys.executable, str(ROOT / "python" / f"{lesson}.py"), *args]
    else:
        cmd = ["Rscript", str(ROOT / "R" / f"{lesson}.R"), *args]
    return subprocess.run(cmd, cwd=cwd or tempfile.gettempdir(), capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


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
            args = [] if lesson in json.loads((ROOT / "shared_data" / "spec.json").read_text())["lessons_by_hand"] else ["--profile", "quick"]
            # Both languages at once, each in its own process: starting Python, R and TensorFlow
            # is mostly one-core work, so the pair takes little longer than one. The thread count
            # is pinned by the spec, so running side by side changes no bit.
            with ThreadPoolExecutor(max_workers=2) as pool:
                runs = dict(zip(("python", "r"), pool.map(
                    lambda language: run_lesson(language, lesson, *args, "--out", str(root / language / lesson)),
                    ("python", "r"))))
            for language, ran in runs.items():
                assert ran.returncode == 0, f"{language} {lesson} failed:\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
            done.add(lesson)
        return root

    return ensure
