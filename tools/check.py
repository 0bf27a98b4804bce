"""Check a learner's exercise, in Python or in R, with the same verdict and the same hints.

    ./workshop check <id> [--lang python|r] [--file PATH]    one exercise (default: the Python file)
    ./workshop check --list                                  every id, one a line, with its title
    python tools/check.py --batch jobs.json                  many checks, one child per language

The learner's code runs in a child process (exercises/runner.py under .venv/bin/python, or
exercises/runner.R under Rscript) with a time limit per job; the child sends values back as
JSON and this file judges them with the definitions in exercises/checks/. Exit status: 0 when
the exercise passes, 1 when it is wrong or not done, 2 on bad input (an unknown id, a missing
file, an unknown language).
"""
import argparse
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from exercises.checks import EXERCISES, NOT_DONE  # noqa: E402
from exercises.checks.base import crash_hint, speak  # noqa: E402

LANGUAGES = ("python", "r")
SUFFIX = {"python": "py", "r": "R"}
CHILD = {"python": [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "exercises" / "runner.py")],
         "r": ["Rscript", "--vanilla", str(ROOT / "exercises" / "runner.R")]}
START_SECONDS = 30   # on top of the jobs' own limits: a child that starts and never answers


class BadInput(Exception):
    pass


def registry():
    return json.loads((ROOT / "exercises" / "exercises.json").read_text())["exercises"]


def learner_file(exercise_id, language):
    folder = "python" if language == "python" else "R"
    return ROOT / "exercises" / folder / f"{exercise_id}.{SUFFIX[language]}"


def has_blank(path):
    """A `____` outside a comment is a blank the learner has not filled in yet."""
    return any("____" in line.split("#", 1)[0] for line in path.read_text().splitlines())


def shown(path):
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def resolve(request):
    """(exercise, language, file) for a request, or BadInput with one sentence."""
    exercise_id = request["id"]
    if exercise_id not in EXERCISES:
        raise BadInput(f"Unknown exercise '{exercise_id}': see every id with ./workshop check --list.")
    language = request.get("lang")
    if language is not None and language not in LANGUAGES:
        raise BadInput(f"Unknown language '{language}': choose python or r.")
    if language is None:
        language = next((lang for lang in LANGUAGES if learner_file(exercise_id, lang).exists()), "python")
    path = Path(request["file"]) if request.get("file") else learner_file(exercise_id, language)
    if not path.is_file():
        raise BadInput(f"There is no file {shown(path)} to check: copy the starter back from git "
                       f"(git checkout -- {shown(path)}) or give the right --file.")
    return EXERCISES[exercise_id], language, path


def run_child(language, jobs, answers):
    limit = sum(job["time_limit"] for job in jobs) + START_SECONDS
    try:
        done = subprocess.run(CHILD[language], input=json.dumps(jobs), capture_output=True, text=True,
                              timeout=limit, cwd=ROOT)
    except FileNotFoundError as e:
        answers.update({job["key"]: {"status": "crash", "message": f"cannot start {e.filename}"} for job in jobs})
        return
    except subprocess.TimeoutExpired:
        answers.update({job["key"]: {"status": "timeout"} for job in jobs})
        return
    for line in done.stdout.splitlines():
        if line.startswith("@answer "):
            answer = json.loads(line[len("@answer "):])
            answers[answer.pop("key")] = answer
    for job in jobs:   # a job the child never answered: it died, say why
        answers.setdefault(job["key"], {"status": "crash", "message": done.stderr.strip()[-2000:]})


# Errors that common slips cause, said in the same words for both languages, so that no raw
# "operands could not be broadcast" or "non-conformable arrays" reaches a learner: (Python's
# message, R's message, what it means and where to look).
COMMON_ERRORS = [
    (r"could not be broadcast", r"non-conformable (arrays|arguments)",
     "two arrays that are combined entry by entry do not have the same shape: check each one's shape "
     "on that line (a slice one too long or too short, or a sum over the wrong axis)."),
    (r"index -?\d+ is out of bounds|list index out of range", r"subscript out of bounds",
     "an index runs past the end of an array: check the last value your loop or slice reaches "
     "(Python counts from 0 and stops before a range's end; R counts from 1 and includes it)."),
    (r"setting an array element with a sequence|can only convert an array of size 1",
     r"replacement has length zero|number of items to replace is not a multiple",
     "one entry of an array receives a whole array: a sum over one axis instead of all of them, or a "
     "slice where one number is meant."),
]


def error_text(answer, path, exercise):
    status = answer["status"]
    if status == "error":
        where = f" at line {answer['line']} of {shown(path)}" if answer.get("line") else f" in {shown(path)}"
        code = f"\n    {answer['code']}" if answer.get("code") else ""
        language = "python" if str(path).endswith(".py") else "r"
        for python, r, meaning in COMMON_ERRORS:
            if re.search(python if language == "python" else r, answer.get("message") or ""):
                return f"your code stopped{where}: {meaning}{code}"
        return f"your code stopped with an error{where}:{code}\n{answer['message']}"
    if status == "timeout":
        if getattr(exercise, "timeout_message", None):   # a training exercise says so in its own words
            return exercise.timeout_message.format(seconds=exercise.time_limit)
        return (f"your code was stopped after {exercise.time_limit} seconds, still running: look for a "
                f"loop that never ends (a condition that never changes, a counter never moved on).")
    if status == "missing":
        return f"{shown(path)} defines no {answer['name']}: keep the name the starter gives it."
    return f"the checker's child process failed: {answer.get('message', '')}"


def check_many(requests):
    """Check many requests; one child per language, the two side by side."""
    results, jobs = [None] * len(requests), {lang: [] for lang in LANGUAGES}
    for i, request in enumerate(requests):
        try:
            exercise, language, path = resolve(request)
        except BadInput as e:
            results[i] = {"code": 2, "message": str(e)}
            continue
        results[i] = {"id": exercise.id, "lang": language, "file": str(path)}
        if has_blank(path):
            results[i].update(code=1, message=NOT_DONE)
            continue
        jobs[language].append({**exercise.job(path, language), "key": i, "_exercise": exercise})
    answers = {}
    threads = [threading.Thread(target=run_child, args=(lang, [
        {k: v for k, v in job.items() if k != "_exercise"} for job in jobs[lang]], answers))
        for lang in LANGUAGES if jobs[lang]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for lang in LANGUAGES:
        for job in jobs[lang]:
            i, exercise, answer = job["key"], job["_exercise"], answers[job["key"]]
            if answer["status"] != "ok":
                known = answer["status"] == "error" and crash_hint(exercise, lang, answer.get("message"))
                if known:   # a listed mistake that stops the code in this language: its hint, as in the other
                    results[i].update(code=1, message=speak(known[0], lang), mistake=known[1])
                else:
                    results[i].update(code=1, message=error_text(answer, results[i]["file"], exercise))
                continue
            try:
                passed, message, mistake = exercise.judge(answer["values"], lang)
            except Exception as e:   # values no check foresaw: one sentence, not the checker's traceback
                passed, mistake = False, None
                message = (f"the checker could not judge what your code gave back ({type(e).__name__}: {e}); "
                           f"compare your names and types with the starter's.")
            results[i].update(code=0 if passed else 1, message=speak(message, lang), mistake=mistake)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./workshop check", description="Check an exercise.")
    parser.add_argument("id", nargs="?")
    parser.add_argument("--lang")
    parser.add_argument("--file", help="check this file instead of exercises/<language>/<id>")
    parser.add_argument("--list", action="store_true", help="every exercise id, with its title")
    parser.add_argument("--batch", help="a JSON file of [{id, lang, file}]: prints a JSON list of verdicts")
    args = parser.parse_args(argv)
    if args.list:
        entries = registry()
        width = max(len(entry["id"]) for entry in entries)   # the titles in one column
        for entry in entries:
            print(f"{entry['id']:<{width}}  {entry['title']}")
        return 0
    if args.batch:
        print(json.dumps(check_many(json.loads(Path(args.batch).read_text())), indent=1))
        return 0
    if not args.id:
        print("Error: name the exercise to check, e.g. ./workshop check conv_output_size "
              "(every id: ./workshop check --list).", file=sys.stderr)
        return 2
    lang = args.lang.lower() if args.lang else None
    [result] = check_many([{"id": args.id, "lang": lang, "file": args.file}])
    if result["code"] == 2:
        print(f"Error: {result['message']}", file=sys.stderr)
    else:
        print(f"{result['id']} ({'R' if result['lang'] == 'r' else 'Python'}): {result['message']}")
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
