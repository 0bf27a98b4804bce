"""The spec is the one list of lessons: every lesson in it has the files docs/adding_a_lesson.md names.

These tests start no process; the ones that run the lessons are in test_parity.py.
"""
import json
import re

import pytest

from conftest import ROOT

SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
LESSONS = [*SPEC["lessons_by_hand"], *SPEC["lessons"]]
TRAINED = list(SPEC["lessons"])


def test_every_lesson_is_taught_in_exactly_one_deck():
    taught = [lesson for deck in SPEC["course"]["decks"] for lesson in deck["lessons"]]
    assert sorted(taught) == sorted(LESSONS)
    assert len({deck["deck"] for deck in SPEC["course"]["decks"]}) == len(SPEC["course"]["decks"])


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_its_twins(lesson):
    assert (ROOT / "python" / f"{lesson}.py").exists() and (ROOT / "R" / f"{lesson}.R").exists()
    text = (ROOT / "R" / f"{lesson}.R").read_text()
    # A lesson written top to bottom starts with library(workshop) (tools/rpackage/workshop, which
    # sources R/workshop.R); the others source R/workshop.R from beside themselves.
    assert ("\nlibrary(workshop)" in text or 'source(file.path(dirname(this_file), "workshop.R"))' in text), \
        "an R lesson loads the shared layer through R/workshop.R"


@pytest.mark.parametrize("lesson", TRAINED)
def test_every_trained_lesson_names_a_benchmark_that_exists(lesson):
    script = SPEC["lessons"][lesson].get("bench")
    assert script, f"{lesson} has no 'bench' in shared_data/spec.json"
    assert (ROOT / script).exists(), f"{lesson}'s benchmark {script} is missing"


@pytest.mark.parametrize("lesson", TRAINED)
def test_every_trained_lesson_has_a_quick_and_a_full_profile(lesson):
    assert {"quick", "full"} <= set(SPEC["lessons"][lesson]["profiles"])


@pytest.mark.parametrize("page", ["README.md", "docs/lessons.md"])
def test_the_lesson_tables_name_every_lesson(page):
    text = (ROOT / page).read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    missing = [lesson for lesson in (LESSONS if page == "README.md" else TRAINED)
               if not any(re.search(rf"\b{lesson}\b", row) for row in rows)]
    assert not missing, f"{page} has no table row for {missing}"


def test_the_checklist_names_only_files_and_tests_that_exist():
    checklist = (ROOT / "docs" / "adding_a_lesson.md").read_text()
    named = set(re.findall(r"`((?:tests|tools|docs|shared_data|python|R|slides|notebooks|exercises)/[^`<>*]+)`", checklist))
    assert named, "the checklist names no files"
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert not missing, f"docs/adding_a_lesson.md names files that do not exist: {missing}"
