"""Bad input that the CNN architectures lesson adds, in both languages, each in its own process:
one plain sentence, exit code 2, and an earlier results.json left as it was.

The Fashion-MNIST folder and the depth experiment's numbers come from shared_data/spec.json, not
from the command line, so each case runs the lesson from a copy of the workshop (python/, R/ and
shared_data/, with the real .venv linked in) whose spec has been changed. The machine's own
/usr/share/datasets is never touched. The two languages of a case run side by side.
"""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT
from conftest import assert_refused

LESSON = "cnn_architectures"


@pytest.fixture
def workshop_copy(tmp_path):
    """A workshop of its own: change its spec with edit(spec) before running a lesson from it."""
    tree = tmp_path / "workshop"
    for part in ("python", "R", "shared_data"):
        shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(ROOT / ".venv", tree / ".venv")

    def edit(change):
        path = tree / "shared_data" / "spec.json"
        spec = json.loads(path.read_text())
        change(spec)
        path.write_text(json.dumps(spec, indent=2))
        return tree
    return edit


def run_in(tree, language, *args):
    cmd = ([sys.executable, str(tree / "python" / f"{LESSON}.py")] if language == "python"
           else ["Rscript", str(tree / "R" / f"{LESSON}.R")])
    return subprocess.run([*cmd, *args], cwd=tree.parent, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "WORKSHOP_PYTHON": str(ROOT / ".venv" / "bin" / "python")})


def refused_in_both(tree, tmp_path, message, *args):
    outs = {}
    for language in ("python", "r"):
        outs[language] = tmp_path / f"out_{language}"
        outs[language].mkdir()
        (outs[language] / "results.json").write_text('{"earlier": true}\n')
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {language: pool.submit(run_in, tree, language, *args, "--out", str(out))
                for language, out in outs.items()}
    for language, run in runs.items():
        done = run.result()
        assert_refused(done, message, outs[language])
        assert "Traceback" not in done.stderr and "Epoch" not in done.stdout, language


def test_fashion_mnist_not_installed_names_the_debian_package(workshop_copy, tmp_path):
    missing = tmp_path / "no" / "fashion-mnist"
    tree = workshop_copy(lambda spec: spec["datasets"]["fashion"].update(dir=str(missing)))
    refused_in_both(tree, tmp_path, f"The dataset 'fashion' is not installed at {missing}: "
                                    f"sudo apt-get install dataset-fashion-mnist.", "--dataset", "fashion")


def test_a_depth_experiment_larger_than_the_data_is_refused_before_training(workshop_copy, tmp_path):
    """(The other depth numbers are checked by the same function: the unit tests cover them.)"""
    tree = workshop_copy(lambda spec: spec["lessons"][LESSON]["profiles"]["quick"]["depth"].update(n_train=501))
    refused_in_both(tree, tmp_path, "The depth experiment asks for 501 training images, but the quick profile "
                                    "has only 500: lower depth.n_train in the spec.")
