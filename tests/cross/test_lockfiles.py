"""renv.lock, environment.yml and the pip requirements agree with each other and with what is installed."""
import json
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version

import pytest
import yaml
from packaging.markers import Marker

from conftest import ROOT

PYTHON_PACKAGES = ["keras", "numpy", "rpy2"]
TENSORFLOWS = ["tensorflow-cpu", "tensorflow"]  # one release, two PyPI names: tensorflow-cpu has no aarch64 wheel
# Environment markers select per machine; these are the machines the pins are meant for.
LINUX_X86_64 = {"sys_platform": "linux", "platform_machine": "x86_64"}
LINUX_AARCH64 = {"sys_platform": "linux", "platform_machine": "aarch64"}  # the container on Apple silicon
MACOS_ARM64 = {"sys_platform": "darwin", "platform_machine": "arm64"}
R_PACKAGES = ["reticulate", "testthat", "jsonlite", "digest"]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines, machine=None):
    """name -> version for every 'name==version' line whose environment marker holds on `machine`
    (marker variables such as LINUX_AARCH64; by default this machine), ignoring comments."""
    found = {}
    for line in lines:
        requirement, _, marker = line.split("#", 1)[0].partition(";")
        if "==" in requirement and (not marker.strip() or Marker(marker).evaluate(machine)):
            name, pinned = requirement.split("==")
            found.setdefault(canonical(name.strip()), pinned.strip())
    return found


def requirements(name):
    return (ROOT / name).read_text().splitlines()


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
    return conda, pip


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


@pytest.mark.parametrize("machine", [LINUX_X86_64, LINUX_AARCH64], ids=["linux-x86_64", "linux-aarch64"])
def test_pip_pins_agree_with_the_full_lock_and_with_conda(machine, environment):
    _, conda_lines = environment
    direct, conda_pip = pins(requirements("requirements.txt"), machine), pins(conda_lines, machine)
    full = pins(requirements("requirements-lock.txt"), machine)
    for name, pinned in direct.items():
        assert full.get(name) == pinned, f"{name}: requirements.txt {pinned}, requirements-lock.txt {full.get(name)}"
        assert conda_pip.get(name) == pinned, f"{name}: requirements.txt {pinned}, environment.yml {conda_pip.get(name)}"


# The pip files serve Debian (Linux); environment.yml serves conda on every machine.
@pytest.mark.parametrize("file, machine", [
    ("requirements-lock.txt", LINUX_X86_64), ("requirements-lock.txt", LINUX_AARCH64),
    ("environment.yml", LINUX_X86_64), ("environment.yml", LINUX_AARCH64), ("environment.yml", MACOS_ARM64),
], ids=["lock-linux-x86_64", "lock-linux-aarch64", "conda-linux-x86_64", "conda-linux-aarch64", "conda-macos-arm64"])
def test_every_machine_installs_one_tensorflow_and_the_same_everything_else(file, machine, environment):
    lines = environment[1] if file == "environment.yml" else requirements(file)
    here, x86 = pins(lines, machine), pins(lines, LINUX_X86_64)
    chosen = [tf for tf in TENSORFLOWS if tf in here]
    # tensorflow-cpu publishes wheels for x86-64 only, so other machines must get "tensorflow".
    assert chosen == (["tensorflow-cpu"] if machine["platform_machine"] == "x86_64" else ["tensorflow"])
    assert here[chosen[0]] == x86["tensorflow-cpu"], "the same TensorFlow release on every machine"
    assert {k: v for k, v in here.items() if k not in TENSORFLOWS} == {k: v for k, v in x86.items() if k not in TENSORFLOWS}


def test_tensorflow_pin_is_what_is_installed():
    direct = pins(requirements("requirements.txt"))
    [chosen] = [tf for tf in TENSORFLOWS if tf in direct]
    assert version(chosen) == direct[chosen]
    other = next(tf for tf in TENSORFLOWS if tf != chosen)
    with pytest.raises(PackageNotFoundError):  # both would fight over the same files
        version(other)


@pytest.mark.parametrize("package", PYTHON_PACKAGES)
def test_python_pins_are_what_is_installed(package, environment):
    direct = pins(requirements("requirements.txt"))
    assert version(package) == direct[package] == pins(environment[1])[package]


def test_numpy_stays_below_2_everywhere(environment):
    conda, conda_lines = environment
    assert int(version("numpy").split(".")[0]) < 2
    assert conda["numpy"] == pins(conda_lines)["numpy"] == version("numpy")


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
