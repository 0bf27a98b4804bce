"""The container files install through `./workshop setup` alone, on the Debian release the tests run on.

These tests read the files only and stay fast: building and running the image takes minutes and
gigabytes, so it is `./workshop container`, never part of `./workshop test` (docs/container.md).
"""
import json
import posixpath
import re
import shutil
import subprocess
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


def setup_reads():
    """Files of the repository that `./workshop setup` reads: named in its functions or in the scripts they run."""
    workshop = (ROOT / "workshop").read_text()
    bodies = re.findall(r"^(?:setup_debian|setup_python|setup_r_package|setup)\(\) \{.*?^\}", workshop, re.M | re.S)
    assert len(bodies) == 4, "setup_debian, setup_python, setup_r_package and setup expected in ./workshop"
    text = "\n".join(bodies)
    named = {posixpath.normpath(t) for t in re.findall(r"[\w.][\w./-]*", text) if (ROOT / t).is_file()}
    folders = {posixpath.normpath(t) for t in re.findall(r"[\w.][\w./-]*", text) if "/" in t and (ROOT / t).is_dir()}
    folders = {folder for folder in folders if not any(folder.startswith(other + "/") for other in folders)}
    named = {name for name in named if not any(name.startswith(folder + "/") for folder in folders)} | folders
    for script in [name for name in named if name.endswith(".sh")]:
        text = (ROOT / script).read_text()
        named |= {posixpath.normpath(t) for t in re.findall(r"[\w.][\w./-]*", text) if (ROOT / t).is_file()}
    return {"workshop"} | {name for name in named if not name.startswith(".venv/")} - NAMED_NOT_READ


# Named in ./workshop setup's functions, but not read by them.
NAMED_NOT_READ = {"environment.yml"}  # only in the message for a machine without apt-get


def test_the_image_installs_through_workshop_setup_and_nothing_else():
    steps = dockerfile_steps()
    ops = [op for op, _ in steps]
    assert [args for op, args in steps if op == "RUN"] == ["./workshop setup"]
    assert "ADD" not in ops, "ADD can fetch from the network; COPY the repository instead"
    instructions = " ".join(args for _, args in steps)
    assert not [word for word in INSTALLERS if word in instructions]
    command = json.loads(next(args for op, args in steps if op == "CMD"))
    assert command[:2] == ["./workshop", "jupyter"] and "0.0.0.0" in command, "docker run -p 8888:8888 needs Jupyter on every interface"


def test_an_edit_to_a_lesson_keeps_the_installed_layer():
    """Before the set-up, the image copies exactly what it reads; the rest of the workshop comes after."""
    steps = dockerfile_steps()
    run = steps.index(("RUN", "./workshop setup"))
    copied = set()
    for op, args in steps[:run]:
        if op == "COPY":
            *sources, target = args.split()
            assert not [s for s in sources if s.startswith("--")], f"COPY {args}: no options expected"
            copied |= {target.rstrip("/") if (ROOT / s).is_dir()   # a folder's contents, into the target folder
                       else posixpath.join(target.rstrip("/"), Path(s).name) if target not in ("./", ".") else s
                       for s in sources}
    assert copied == setup_reads(), "COPY before RUN ./workshop setup must be exactly the files it reads"
    assert [args for op, args in steps[run:] if op == "COPY"] == [". ."], "then the whole workshop, once"


def test_the_dev_container_builds_that_image_and_runs_only_workshop_setup():
    config = devcontainer()
    here = ROOT / ".devcontainer"
    assert (here / config["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert (here / config["build"]["context"]).resolve() == ROOT
    assert not {"image", "dockerComposeFile", "features"} & config.keys(), "a second way to install things"
    assert {hook: config[hook] for hook in HOOKS if hook in config} == {"postCreateCommand": "./workshop setup"}
    assert 8888 in config["forwardPorts"]  # JupyterLab's default port


# ---- the build context: .dockerignore against .gitignore ------------------------------------
def ignore_lines(name):
    return [line.strip() for line in (ROOT / name).read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def docker_pattern(pattern):
    """A .dockerignore line as Docker reads it (moby/patternmatcher): anchored at the top, ** any depth."""
    pattern = posixpath.normpath(pattern.lstrip("/"))
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            i += 2 + pattern.startswith("/", i + 2)
            regex += ".*" if i >= len(pattern) else "(?:.*/)?"
            continue
        regex += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
        i += 1
    return re.compile(regex)


def docker_ignores(path, lines=None):
    """True if the build context leaves out `path`: its last matching line, on it or a folder above it."""
    lines = ignore_lines(".dockerignore") if lines is None else lines
    parts = path.rstrip("/").split("/")
    prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    ignored = False
    for line in lines:
        exception = line.startswith("!")
        regex = docker_pattern(line[1:] if exception else line)
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            ignored = not exception
    return ignored


def probes(pattern):
    """Paths a .gitignore line ignores: at the top, and deeper when it has no inner slash; inside, if a folder."""
    name = pattern.rstrip("/").replace("*", "x")
    paths = [name] if "/" in pattern.rstrip("/") else [name, f"python/{name}", f"a/b/{name}"]
    return [f"{path}/f" for path in paths] if pattern.endswith("/") else paths  # git: a folder, if it exists


# What git ignores but the image keeps, with the reason. Nothing, today.
KEPT_IN_THE_IMAGE = {}


def git(*args, stdin=""):
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("no git repository here (the image leaves .git out): checked where the tests run on the clone")
    done = subprocess.run(["git", *args], cwd=ROOT, input=stdin, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.splitlines()


def test_docker_patterns_are_read_as_docker_reads_them():
    lines = ["**/*.pyc", "outputs/", "notebooks/*.ipynb", ".git", "**/.venv", "x/*", "!x/keep"]
    assert docker_ignores("a/b/c.pyc", lines) and docker_ignores("c.pyc", lines)
    assert docker_ignores("outputs/python/cnn_mnist/results.json", lines)
    assert not docker_ignores("slides/outputs/f", lines), "Docker anchors a pattern at the top"
    assert docker_ignores("notebooks/a.ipynb", lines) and not docker_ignores("notebooks/a.py", lines)
    assert docker_ignores(".venv/bin/python", lines) and docker_ignores("sub/.venv", lines)
    assert not docker_ignores(".github/x", lines) and not docker_ignores(".gitignore", lines)
    assert docker_ignores("x/drop", lines) and not docker_ignores("x/keep", lines)


def test_the_build_context_leaves_out_what_git_ignores():
    """Every .gitignore line, at every depth it applies to, is left out of the build context too."""
    missed = {pattern: [path for path in probes(pattern) if not docker_ignores(path)]
              for pattern in ignore_lines(".gitignore") if pattern not in KEPT_IN_THE_IMAGE}
    assert not {pattern: paths for pattern, paths in missed.items() if paths}, "copied into the image, though git ignores it"
    assert docker_ignores(".git/config"), "the image needs no history"
    assert docker_ignores(".venv/bin/python"), "a .venv from the host would be copied into the image"


def test_the_probes_are_what_git_ignores_and_the_tree_agrees():
    """The same check with git itself: the probe paths are ignored by git, and so is every ignored path here."""
    probe_paths = [path for pattern in ignore_lines(".gitignore") for path in probes(pattern)]
    ignored_by_git = set(git("check-ignore", "--no-index", "--stdin", stdin="\n".join(probe_paths)))
    assert ignored_by_git == set(probe_paths), "probes() makes a path git does not ignore"
    here = git("ls-files", "--others", "--ignored", "--exclude-standard", "--directory")
    assert not [path for path in here if not docker_ignores(path)
                and not any(path.startswith(kept.rstrip("/")) for kept in KEPT_IN_THE_IMAGE)]


def test_the_build_context_leaves_out_only_what_git_ignores():
    """No file git tracks is left out (the image needs the workshop whole), and no .dockerignore line is extra."""
    normal = lambda line: re.sub(r"^(\*\*/)?(.*?)/?$", r"\2", line)
    docker = {normal(line) for line in ignore_lines(".dockerignore")} - {".git"}
    wanted = {normal(line) for line in ignore_lines(".gitignore") if line not in KEPT_IN_THE_IMAGE}
    assert docker == wanted, f"only in .dockerignore: {docker - wanted}; only in .gitignore: {wanted - docker}"
    tracked = git("ls-files")
    assert tracked and not [path for path in tracked if docker_ignores(path)]
