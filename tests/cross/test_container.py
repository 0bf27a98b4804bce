"""The container files install through `./workshop setup` alone, on the Debian release the tests run on.

No container engine runs here, so nothing is built: these tests hold the files to the tested path.
"""
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT

HOOKS = ["initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
         "postStartCommand", "postAttachCommand"]
INSTALLERS = ["apt-get", "apt ", "dpkg", "pip", "conda", "mamba", "install.packages", "renv", "npm", "curl", "wget"]


def os_release():
    fields = {}
    for line in Path("/etc/os-release").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key] = value.strip().strip('"')
    return fields


def dockerfile_steps():
    """(INSTRUCTION, arguments) for each Dockerfile instruction; comments dropped, continuations joined."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(op.upper(), args.strip()) for op, _, args in (line.strip().partition(" ") for line in text.splitlines())
            if op]


def devcontainer():
    text = (ROOT / ".devcontainer" / "devcontainer.json").read_text()
    return json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")))


def test_the_base_image_is_the_debian_release_the_tests_run_on():
    here = os_release()
    if here.get("ID") != "debian":
        pytest.skip(f"this machine runs {here.get('PRETTY_NAME')}; the container copies the Debian release CI runs on")
    froms = [args for op, args in dockerfile_steps() if op == "FROM"]
    assert len(froms) == 1, f"one stage expected, found FROM {froms}"
    # No --platform: Apple silicon must build linux/arm64 natively (x86 TensorFlow under emulation aborts).
    assert not froms[0].startswith("--platform"), froms[0]
    image = froms[0].split()[0].split("@")[0]
    name, _, tag = image.rpartition(":")
    assert name in ("debian", "library/debian", "docker.io/library/debian"), image
    release = rf"(?:{re.escape(here['VERSION_ID'])}(?:\.\d+)*|{re.escape(here['VERSION_CODENAME'])})(?:-slim)?(?:-\d{{8}})?"
    assert re.fullmatch(release, tag), f"{image} is not Debian {here['VERSION_ID']} ({here['VERSION_CODENAME']}), which this machine runs"


def test_the_image_installs_through_workshop_setup_and_nothing_else():
    steps = dockerfile_steps()
    ops = [op for op, _ in steps]
    assert [args for op, args in steps if op == "RUN"] == ["./workshop setup"]
    assert "ADD" not in ops, "ADD can fetch from the network; COPY the repository instead"
    assert ("COPY", ". .") in steps and ops.index("COPY") < ops.index("RUN"), "set-up needs the repository's lists"
    instructions = " ".join(args for _, args in steps)
    assert not [word for word in INSTALLERS if word in instructions]
    command = json.loads(next(args for op, args in steps if op == "CMD"))
    assert command[:2] == ["./workshop", "jupyter"] and "0.0.0.0" in command, "docker run -p 8888:8888 needs Jupyter on every interface"


def test_the_dev_container_builds_that_image_and_runs_only_workshop_setup():
    config = devcontainer()
    here = ROOT / ".devcontainer"
    assert (here / config["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert (here / config["build"]["context"]).resolve() == ROOT
    assert not {"image", "dockerComposeFile", "features"} & config.keys(), "a second way to install things"
    assert {hook: config[hook] for hook in HOOKS if hook in config} == {"postCreateCommand": "./workshop setup"}
    assert 8888 in config["forwardPorts"]  # JupyterLab's default port


def test_the_build_context_leaves_out_only_what_git_ignores():
    def patterns(name):
        lines = (ROOT / name).read_text().splitlines()
        return {re.sub(r"^(\*\*/)?(.*?)/?$", r"\2", line.strip()) for line in lines if line.strip() and not line.startswith("#")}
    assert patterns(".dockerignore") - {".git"} <= patterns(".gitignore")
    assert ".venv" in patterns(".dockerignore"), "a .venv from the host would be copied into the image"
