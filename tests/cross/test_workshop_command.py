"""`./workshop` does what a newcomer types: help for every command, the slides of whatever has results,
one deck by its name, an aligned exercise list; and the README stays short, with links that resolve.
"""
import json
import re
import shutil
import subprocess

import pytest

import conftest
from conftest import ROOT

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
COURSE = SPEC["course"]["decks"]
DECK_STEMS = [f"{number:02d}_{entry['deck']}" for number, entry in enumerate(COURSE)
              if (ROOT / "slides" / f"{number:02d}_{entry['deck']}.Rmd").exists()]
COMMANDS = ["run", "test", "setup", "compare", "slides", "check", "jupyter", "data", "bench", "container"]
# A time as the help gives it: "40 s", "about 11 minutes", "3 to 5 minutes".
A_TIME = re.compile(r"\b\d+(\.\d+)? ?(s|seconds?|minutes?|hours?)\b")


def workshop(*args, timeout=120):
    return subprocess.run([str(ROOT / "workshop"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


# ---- help --------------------------------------------------------------------------------------
@pytest.mark.parametrize("asked", [["--help"], ["-h"], ["help"], []], ids=["--help", "-h", "help", "nothing"])
def test_the_help_names_every_command(asked):
    done = workshop(*asked)
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert f"./workshop {command}" in done.stdout, f"./workshop {' '.join(asked)} does not mention {command}"


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_answers_help_at_once_with_its_time(command):
    """`./workshop <command> --help` prints that command's part, with how long it takes, and does nothing else."""
    for asked in ([command, "--help"], [command, "-h"], ["help", command]):
        done = workshop(*asked, timeout=20)
        assert done.returncode == 0, f"./workshop {' '.join(asked)}: {done.stderr}"
        lines = done.stdout.rstrip().splitlines()
        assert lines[0].startswith(f"  ./workshop {command}"), done.stdout
        assert not any(line.startswith("  ./workshop ") for line in lines[1:]), "only this command's part"
        if command != "data":   # a download: its time is the network's, and the test machine is offline
            assert A_TIME.search(done.stdout), f"./workshop {command} --help names no time:\n{done.stdout}"
        assert "Installing" not in done.stderr and "===" not in done.stderr, "help must not set up or run anything"


def test_run_defaults_to_the_quick_profile():
    text = (ROOT / "workshop").read_text()
    assert re.search(r"^cmd_run\(\) \{.*\n  local profile=quick ", text, re.M), "./workshop run must default to quick"


@pytest.mark.parametrize("args, message", [
    (["help", "nope"], "Unknown command 'nope'"),
    (["run", "--fast"], "Unknown option '--fast'"),
])
def test_help_and_run_refuse_unknown_names_in_one_sentence(args, message):
    done = workshop(*args)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("Error: "), done.stderr


# ---- check --list ------------------------------------------------------------------------------
def test_check_list_is_aligned_in_two_columns():
    done = workshop("check", "--list")
    assert done.returncode == 0, done.stderr
    registry = json.loads((ROOT / "exercises" / "exercises.json").read_text())
    entries = registry if isinstance(registry, list) else registry.get("exercises", registry)
    ids = [entry["id"] for entry in entries]
    lines = done.stdout.rstrip("\n").splitlines()
    assert [line.split()[0] for line in lines] == ids
    column = max(map(len, ids)) + 2
    for line, exercise in zip(lines, ids):
        assert line[:column].rstrip() == exercise and line[column] != " ", f"title not in column {column}: {line!r}"


# ---- slides ------------------------------------------------------------------------------------
SLIDES = {}   # "job": the Future of the two ./workshop slides runs below, which follow lenet5's quick run


def slides_of_lenet5_only(folder):
    """What a newcomer has after ./workshop run lenet5 (one lesson's results, in both languages), and
    ./workshop slides run on it twice: with no name, and with the deck's name."""
    conftest.start_quick_run("lenet5")
    outputs = folder / "outputs"
    for language in ("python", "r"):
        conftest.QUICK[language, "lenet5"].result()
        shutil.copytree(conftest.quick_root() / language / "lenet5", outputs / language / "lenet5")
    return {name: workshop("slides", *names, "--outputs", str(outputs), "--html", str(folder / name), timeout=600)
            for name, names in (("unnamed", []), ("named", ["02_lenet5"]))}


def start_after_the_lessons():
    """tests/conftest.py calls this once the quick runs are queued: these renders follow them."""
    if "job" not in SLIDES:
        folder = conftest.temporary_folder("lenet5-only-")
        SLIDES.update(folder=folder, job=conftest.BACKGROUND.submit(slides_of_lenet5_only, folder))


@pytest.fixture(scope="module")
def lenet5_only(quick_outputs):
    quick_outputs("lenet5")
    start_after_the_lessons()   # if the session has not (a test run on its own)
    return SLIDES["job"].result(), SLIDES["folder"]


def test_slides_render_the_decks_with_results_and_name_the_rest(lenet5_only):
    runs, folder = lenet5_only
    done, html = runs["unnamed"], folder / "unnamed"
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert sorted(page.name for page in html.glob("*.html")) == ["02_lenet5.html"]
    assert (html / "instructor" / "02_lenet5.html").is_file()
    skipped = [line for line in done.stderr.splitlines() if line.startswith("Skipped ")]
    assert [line.split()[1].rstrip(":") for line in skipped] == [stem for stem in DECK_STEMS if stem != "02_lenet5"]
    for line, entry in zip(skipped, [e for e in COURSE if e["deck"] != "lenet5"]):
        lessons = set(entry["lessons"])
        command = re.search(r"\./workshop run ([\w ]+)", line)
        assert command and lessons <= set(command.group(1).split()), f"{line!r} names no command for {lessons}"
    assert "Error" not in done.stderr, done.stderr


def test_slides_by_deck_or_lesson_name_render_that_deck(lenet5_only):
    runs, folder = lenet5_only
    done, html = runs["named"], folder / "named"
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert sorted(page.name for page in html.glob("*.html")) == ["02_lenet5.html"]
    assert "Skipped" not in done.stderr, "a named deck lists no other deck"


@pytest.mark.parametrize("name, deck, lessons", [
    ("cnn_classics", "cnn_architectures", "cnn_architectures cnn_classics"),   # a lesson: the deck that teaches it
    ("rnn_types", "rnn_types", "rnn_types"),
])
def test_a_named_deck_without_results_says_which_command_makes_them(tmp_path, name, deck, lessons):
    done = workshop("slides", name, "--outputs", str(tmp_path / "empty"), "--html", str(tmp_path / "html"))
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"The {deck} deck needs" in lines[0] and f"run ./workshop run {lessons} first." in lines[0], lines[0]
    assert not (tmp_path / "html").exists()


@pytest.mark.parametrize("args, message", [
    (["lenet"], "There is no deck or lesson 'lenet': choose from"),
    (["--colour"], "Unknown option '--colour'"),
    (["--outputs"], "The option '--outputs' needs a folder"),
])
def test_slides_refuse_a_typo_in_one_sentence(tmp_path, args, message):
    done = workshop("slides", *args, "--html", str(tmp_path / "html")) if args != ["--outputs"] else workshop("slides", *args)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not (tmp_path / "html").exists()


# ---- the README --------------------------------------------------------------------------------
README = (ROOT / "README.md").read_text()
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_readme_is_an_attendees_page():
    lines = README.splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines: move maintainer material to docs/"
    for command in ("./workshop setup", "./workshop run", "./workshop test", "./workshop slides", "./workshop jupyter",
                    "./workshop check", "--profile full", "workshop.Rproj"):
        assert command in README, f"README.md does not show {command}"
    # A lesson runs with the workshop's Python, never a bare `python`/`python3`, which lacks its packages.
    assert not re.search(r"(?<![/\w.])python3? python/", README), "write .venv/bin/python python/<lesson>.py"


# The README and the pages it sends readers to for what moved out of it (docs/exercises.md and the
# lesson pages have their own tests).
@pytest.mark.parametrize("page", ["README.md", "docs/maintainers.md", "docs/design.md", "docs/troubleshooting.md",
                                  "docs/attendees.md", "docs/slides.md", "docs/container.md"])
def test_links_resolve_to_files_of_the_repository(page):
    text = (ROOT / page).read_text()
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (ROOT / page).parent / target.split("#")[0]
        if not path.exists():
            broken.append(target)
    assert not broken, f"{page} links to files that do not exist: {broken}"


def test_the_readme_lesson_table_follows_the_course_order():
    order = [lesson for entry in COURSE for lesson in entry["lessons"]]
    rows = [re.match(r"\| *[\w.]+ *\| *`?(\w+)`?", line) for line in README.splitlines() if line.startswith("|")]
    listed = [row.group(1) for row in rows if row and row.group(1) in order]
    assert listed == order, "README.md's lesson table must list spec.json's course.decks lessons, in order"


# ---- a lesson started with the wrong Python ------------------------------------------------------
@pytest.mark.parametrize("where", ["root", "elsewhere"])
def test_a_python_without_the_workshops_packages_is_told_which_python_to_use(where, tmp_path):
    """`python3 python/cnn_mnist.py` with a Python that lacks Keras: one sentence naming the workshop's
    own Python by a path that works from where the learner stands, exit 2, nothing written."""
    cwd = ROOT if where == "root" else tmp_path
    lesson = ROOT / "python" / "cnn_mnist.py"
    # -S: no site-packages, so none of the workshop's packages, as in a system Python
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-S", str(lesson.relative_to(ROOT) if where == "root" else lesson),
                           "--out", str(tmp_path / "out")], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "lacks the workshop's packages" in lines[0], done.stderr
    command = lines[0].split("run the lesson with the workshop's own, ")[1].split(" (")[0]
    python, script = command.split(" ")
    assert (cwd / python).resolve() == (ROOT / ".venv" / "bin" / "python").resolve()
    assert (cwd / script).resolve() == lesson
    assert not (tmp_path / "out").exists()


def test_an_r_lesson_answers_help():
    done = subprocess.run(["Rscript", "R/cnn_mnist.R", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--profile NAME" in done.stdout and "Usage: Rscript R/cnn_mnist.R" in done.stdout
