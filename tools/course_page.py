"""Print COURSE.md, the course in its teaching order, from shared_data/spec.json and exercises.json.

JupyterLab lists files by name; `./workshop jupyter` opens this page first, so the lessons, their
decks and their exercises can be opened in the order they are taught.
    .venv/bin/python tools/course_page.py > COURSE.md   (tests/cross/test_jupyter.py holds it current)
"""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lesson_files(lesson):
    """The files an attendee opens: the notebooks/ twins of a by-hand lesson, else the lesson files."""
    if (ROOT / "notebooks" / f"{lesson}.py").exists():
        return f"notebooks/{lesson}.py", f"notebooks/{lesson}.R"
    return f"python/{lesson}.py", f"R/{lesson}.R"


def page():
    spec = json.loads((ROOT / "shared_data" / "spec.json").read_text())
    exercises = json.loads((ROOT / "exercises" / "exercises.json").read_text())["exercises"]
    every = {**spec["lessons_by_hand"], **spec["lessons"]}
    lines = ["# The course, in its teaching order", "",
             "Open a lesson's Python or R file (each opens as a notebook), its deck after `./workshop slides`,",
             "and its exercises in `exercises/python/` or `exercises/R/` (check one with",
             "`./workshop check <id>`). The README says how to set up and run everything.", ""]
    for number, deck in enumerate(spec["course"]["decks"]):
        lines += [f"## Deck {number}: {deck['deck']}", "", "| lesson | Python | R | exercises |", "|---|---|---|---|"]
        for lesson in deck["lessons"]:
            python, r = lesson_files(lesson)
            own = [e for e in exercises if e["lesson"] == lesson]
            listed = ", ".join(f"[{e['id']}]({e['files']['python']}) / [R]({e['files']['r']})" for e in own) or "-"
            lines.append(f"| {lesson}: {every[lesson]['title']} | [{python}]({python}) | [{r}]({r}) | {listed} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(page(), end="")
