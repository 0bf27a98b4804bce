"""Make the exercise starters from the solutions, so the two cannot drift apart.

    python tools/make_exercises.py           write exercises/python/<id>.py and exercises/R/<id>.R
    python tools/make_exercises.py --check   exit 1 if a committed starter differs from its solution's

As nbgrader does, the solution is the one source and the starter is the solution with its
marked solution regions taken out. Two marks, the same in Python and R (both comment with #):

    code  #> starter text           the line becomes its starter text, at the same indentation
    # BEGIN SOLUTION                the lines up to "# END SOLUTION" are dropped, except lines
    #> starter text                 written "#> ...", which the starter keeps, uncommented
    # END SOLUTION
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "#> "


def strip(text):
    out, inside = [], False
    for line in text.splitlines():
        indent = line[:len(line) - len(line.lstrip())]
        body = line.strip()
        if body == "# BEGIN SOLUTION":
            inside = True
        elif body == "# END SOLUTION":
            inside = False
        elif inside:
            if body.startswith(MARK):
                out.append(indent + body[len(MARK):])
        elif f"  {MARK}" in line:
            out.append(indent + line.split(f"  {MARK}", 1)[1])
        else:
            out.append(line)
    if inside:
        raise ValueError("a # BEGIN SOLUTION has no # END SOLUTION")
    return "\n".join(out) + "\n"


def pairs():
    """(solution, starter) paths of every exercise in the registry, both languages."""
    registry = json.loads((ROOT / "exercises" / "exercises.json").read_text())["exercises"]
    for entry in registry:
        files = entry["files"]
        for solution, starter in ((files["solution_python"], files["python"]), (files["solution_r"], files["r"])):
            yield ROOT / solution, ROOT / starter


def drifted():
    return [starter for solution, starter in pairs()
            if not starter.exists() or starter.read_text() != strip(solution.read_text())]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--check"]:
        bad = drifted()
        for path in bad:
            print(f"{path.relative_to(ROOT)} differs from what its solution makes: run python tools/make_exercises.py")
        return 1 if bad else 0
    for solution, starter in pairs():
        if solution.exists():
            starter.parent.mkdir(parents=True, exist_ok=True)
            starter.write_text(strip(solution.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
