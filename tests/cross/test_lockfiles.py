"""renv.lock, environment.yml and the pip requirements agree with each other and with what is installed."""
import json
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
import yaml

from conftest import ROOT

PYTHON_PACKAGES = ["tensorflow-cpu", "keras", "numpy", "rpy2"]
R_PACKAGES = ["reticulate", "testthat", "jsonlite", "digest"]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    """name -> version for every 'name==version' line, ignoring comments and environment markers."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" in line:
            name, pinned = line.split("==")
            found.setdefault(canonical(name), pinned.strip())
    return found


@pytest.fixture(scope="module")
def environment():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, []
    for item in spec["dependencies"]:
        if isinstance(item, dict):
            pip = item["pip"]
        elif "=" in item:
            name, pinned = item.split("=", 1)
            conda[name] = pinned
    return conda, pins(pip)


@pytest.fixture(scope="module")
def installed_r(tmp_path_factory):
    """R's own view, in one process: versions, and renv.lock as the generator writes it today."""
    fresh = tmp_path_factory.mktemp("renv") / "renv.lock"
    code = ("cat(jsonlite::toJSON(c(list(R = paste(R.version$major, R.version$minor, sep = '.')), "
            f"lapply(setNames(nm = c({', '.join(repr(p) for p in R_PACKAGES)})), "
            "\\(p) as.character(packageVersion(p)))), auto_unbox = TRUE))")
    done = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, cwd=ROOT, check=True)
    subprocess.run(["Rscript", "tools/make_renv_lock.R", str(fresh)], capture_output=True, text=True,
                   cwd=ROOT, check=True)
    return json.loads(done.stdout), json.loads(fresh.read_text())


@pytest.fixture(scope="module")
def renv_lock():
    return json.loads((ROOT / "renv.lock").read_text())


def test_pip_pins_agree_with_the_full_lock_and_with_conda(environment):
    direct = pins((ROOT / "requirements.txt").read_text().splitlines())
    full = pins((ROOT / "requirements-lock.txt").read_text().splitlines())
    _, conda_pip = environment
    for name, pinned in direct.items():
        assert full.get(name) == pinned, f"{name}: requirements.txt {pinned}, requirements-lock.txt {full.get(name)}"
        # environment.yml installs tensorflow under its other name off Linux; same release.
        assert conda_pip.get(name) == pinned, f"{name}: requirements.txt {pinned}, environment.yml {conda_pip.get(name)}"
    assert conda_pip["tensorflow"] == direct["tensorflow-cpu"]


@pytest.mark.parametrize("package", PYTHON_PACKAGES)
def test_python_pins_are_what_is_installed(package, environment):
    direct = pins((ROOT / "requirements.txt").read_text().splitlines())
    assert version(package) == direct[package] == environment[1][package]


def test_numpy_stays_below_2_everywhere(environment):
    conda, conda_pip = environment
    assert int(version("numpy").split(".")[0]) < 2
    assert conda["numpy"] == conda_pip["numpy"] == version("numpy")


@pytest.mark.parametrize("package", R_PACKAGES)
def test_r_pins_are_what_is_installed(package, environment, renv_lock, installed_r):
    conda, _ = environment
    installed, _ = installed_r
    assert renv_lock["Packages"][package]["Version"] == conda[f"r-{package}"] == installed[package]
    assert renv_lock["Packages"][package]["Source"] == "Repository"


def test_r_and_python_versions(environment, renv_lock, installed_r):
    conda, _ = environment
    installed, _ = installed_r
    assert renv_lock["R"]["Version"] == installed["R"]
    assert installed["R"].startswith(conda["r-base"] + ".")
    python = ".".join(map(str, sys.version_info[:3]))
    assert renv_lock["Python"] == {"Version": python, "Type": "virtualenv", "Name": "./.venv"}
    assert python.startswith(conda["python"] + ".")


def test_renv_lock_is_what_the_generator_writes_today(renv_lock, installed_r):
    _, fresh = installed_r
    assert renv_lock == fresh, "renv.lock is stale: run Rscript tools/make_renv_lock.R"
