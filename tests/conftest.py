"""Shared test set-up: the lesson code is importable, and subprocess helpers run each language in its own process."""
import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from helpers import ROOT  # noqa: E402  (the one place Python knows where the workshop is)

sys.path.insert(0, str(ROOT / "tools"))


SPEC = json.loads((ROOT / "shared_data" / "spec.json").read_text())
LESSONS = [*SPEC["lessons_by_hand"], *SPEC["lessons"]]

# Work that tests will wait for (every lesson's quick run, in both languages; a module's slow set-up)
# starts as soon as the tests are collected and runs here, two jobs at a time, beside the tests
# themselves: the machine has two cores, and most tests keep only one of them busy.
BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="background")


def temporary_folder(prefix):
    """A folder of the session's own for background work, removed when pytest exits."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def uses_lessons(item):
    return "quick_outputs" in getattr(item, "fixturenames", ())


def lessons_of(item):
    """The lessons a test reads through quick_outputs, in the order it names them: its parameters,
    and the names quoted in its code or its fixtures' (all of them, if it names none)."""
    import inspect
    named = [value for value in getattr(getattr(item, "callspec", None), "params", {}).values() if value in LESSONS]
    functions = [item.function, *(definitions[-1].func for definitions in item._fixtureinfo.name2fixturedefs.values()
                                  if definitions[-1].func.__module__ == item.module.__name__)]
    for function in functions:
        source = inspect.getsource(function)
        named += [lesson for lesson in LESSONS if f'"{lesson}"' in source]
        if "LESSON" in source and getattr(item.module, "LESSON", None) in LESSONS:
            named.append(item.module.LESSON)
    return list(dict.fromkeys(named)) or LESSONS


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Tests that read the refusal batch or the lessons' quick runs go last, so that the work they
    wait for runs in the background while the other tests run."""
    def stage(item):   # what the test waits for: nothing, the refusal batch, or the quick runs
        return 2 if uses_lessons(item) else 1 if "refused" in getattr(item, "fixturenames", ()) else 0
    items.sort(key=stage)   # a stable sort: in each stage, the tests keep their order


def pytest_collection_finish(session):
    """Start the background work: first what a module asks for in its start_in_background, then every
    module's refusal cases in one batch, then the quick runs of the lessons the tests read, in the
    order they will read them, then what a module asks for in its start_after_the_lessons."""
    if session.config.option.collectonly or not session.items:
        return
    modules = dict.fromkeys(item.module for item in session.items if getattr(item, "module", None) is not None)
    for module in modules:
        if hasattr(module, "start_in_background"):
            module.start_in_background()
    start_refusals([module for module in modules if hasattr(module, "refusal_cases") and
                    any("refused" in item.fixturenames for item in session.items if item.module is module)])
    for item in session.items:
        if uses_lessons(item):
            for lesson in lessons_of(item):
                start_quick_run(lesson)
    for module in dict.fromkeys(item.module for item in session.items if uses_lessons(item)):
        if hasattr(module, "start_after_the_lessons"):   # work compared with the quick runs follows them
            module.start_after_the_lessons()


def pytest_sessionfinish(session):
    BACKGROUND.shutdown(wait=False, cancel_futures=True)   # an interrupted session leaves nothing queued


def run_lesson(language, lesson, *args, env=None, timeout=600, cwd=None):
    """Run one lesson in its own process and return the CompletedProcess.

    By default it runs from a folder outside the workshop, as a learner may: every lesson,
    in both languages, must find its helpers and data from wherever it is started.
    """
    if language == "python":
        cmd = [sys.executable, str(ROOT / "python" / f"{lesson}.py"), *args]
    else:
        cmd = ["Rscript", str(ROOT / "R" / f"{lesson}.R"), *args]
    return subprocess.run(cmd, cwd=cwd or tempfile.gettempdir(), capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def lesson_file(language, lesson, root=None):
    root = Path(root or ROOT)
    return root / "python" / f"{lesson}.py" if language == "python" else root / "R" / f"{lesson}.R"


def is_notebook_lesson(language, lesson):
    """A trained lesson written top to bottom is a script and a notebook at once (jupytext's percent
    format, with its kernel in a short header)."""
    return lesson_file(language, lesson).read_text().startswith("# ---\n# jupyter:")


KERNELS = {"python": "python3", "r": "ir"}


def run_notebook(language, lesson, *args, env=None):
    """Run a lesson file as a notebook in a real Jupyter kernel (ipykernel, or IRkernel for R), cell
    by cell from its own folder as JupyterLab would, with args as its options (WORKSHOP_ARGS).
    Returns (notebook with outputs, exception or None)."""
    return run_notebook_file(lesson_file(language, lesson), *args, env=env)


def run_notebook_file(path, *args, env=None):
    import jupytext
    from nbclient import NotebookClient
    notebook = jupytext.read(path)
    try:
        NotebookClient(notebook, timeout=900, kernel_name=KERNELS["python" if path.suffix == ".py" else "r"],
                       resources={"metadata": {"path": str(path.parent)}}).execute(
            env={**os.environ, **(env or {}), "WORKSHOP_ARGS": " ".join(args)})
    except Exception as error:  # CellExecutionError names the cell and carries its traceback
        return notebook, error
    return notebook, None


def notebook_text(notebook):
    """Everything the notebook's code cells printed (streams and plain-text results), in order."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


EARLIER = '{"earlier": true}\n'   # what an earlier run left in the --out folder of a refused case


def refuse_all(cases, root):
    """Run many command lines that must be refused, [name] -> (lesson, data_dir or None, args), in
    one process per language, the two side by side (tests/cross/refusals_runner.py and .R).
    A case may add a fourth item, a workshop tree (workshop_copy) to run its lesson from.

    Each case gets its own --out folder holding an earlier results.json; "{out}" in its args
    stands for that folder. Returns {(name, language): answer}, where an answer has returncode,
    stdout, stderr and out, as a finished process would. One process per language instead of one
    per case saves the four or five seconds that starting TensorFlow takes, dozens of times; the
    real command line's exit code is tested in tests/cross/test_bad_input.py.
    """
    commands = {}
    for name, (lesson, data_dir, args, *tree) in cases.items():
        for language in ("python", "r"):
            out = root / re.sub(r"[^a-z0-9]+", "_", name.lower()) / language / "out"
            out.mkdir(parents=True)
            (out / "results.json").write_text(EARLIER)
            options = [a.replace("{out}", str(out)) for a in args]
            if not any(a.startswith("--out") for a in options):
                options += ["--out", str(out)]
            if data_dir is not None:
                options += ["--data-dir", str(data_dir)]
            commands[name, language] = (lesson, options, out, *map(str, tree))

    def run(language):
        listing, answers = root / f"cases_{language}.json", root / f"answers_{language}.json"
        listing.write_text(json.dumps([{"lesson": lesson, "args": options, **({"root": tree[0]} if tree else {})}
                                       for (_, lang), (lesson, options, _, *tree) in commands.items() if lang == language]))
        runner = ([sys.executable, str(ROOT / "tests" / "cross" / "refusals_runner.py")] if language == "python"
                  else ["Rscript", str(ROOT / "tests" / "cross" / "refusals_runner.R")])
        done = subprocess.run([*runner, str(listing), str(answers)], cwd=root, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"the {language} runner failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return json.loads(answers.read_text())

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(("python", "r"), pool.map(run, ("python", "r"))))
    found = {}
    for language, listed in answers.items():
        keys = [key for key in commands if key[1] == language]
        for key, answer in zip(keys, listed, strict=True):
            found[key] = SimpleNamespace(**answer, out=commands[key][2])
    return found


REFUSALS = {}   # the module's name -> the Future of (its data, its answers)


def start_refusals(modules):
    """Every module's refusal_cases(root), run as one batch: one process per language for all of
    them, in the background. A module's refusal_cases returns (data, cases): cases as refuse_all
    takes them, data whatever its tests need besides (the broken folders, say)."""
    modules = [module for module in modules if module.__name__ not in REFUSALS]
    if not modules:
        return
    root = temporary_folder("refusals-")

    def batch():
        built = {module.__name__: module.refusal_cases(root / module.__name__.rsplit(".", 1)[-1]) for module in modules}
        answers = refuse_all({f"{name}/{case}": spec for name, (_, cases) in built.items() for case, spec in cases.items()},
                             root / "batch")
        return {name: (data, {(case, language): answers[f"{name}/{case}", language] for case in cases
                              for language in ("python", "r")}) for name, (data, cases) in built.items()}
    job = BACKGROUND.submit(batch)
    for module in modules:
        REFUSALS[module.__name__] = job


@pytest.fixture(scope="module")
def refused(request):
    """(data, answers) for the module's refusal_cases: answers[case, language] as refuse_all gives them."""
    start_refusals([request.module])   # if the session has not (a test run on its own)
    return REFUSALS[request.module.__name__].result()[request.module.__name__]


def error_sentence(done):
    """The last line on stderr, which must be the one plain sentence."""
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    assert lines, f"no error message; stdout was:\n{done.stdout[-2000:]}"
    return lines[-1]


def assert_refused(done, message, out):
    """Exit 2, one sentence holding message, no traceback, no training, and out left as it was."""
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    sentence = error_sentence(done)
    assert sentence.startswith("Error: ") and message in sentence, sentence
    assert "Traceback" not in done.stderr and "Epoch" not in done.stdout
    assert (out / "results.json").read_text() == EARLIER
    assert sorted(p.name for p in out.iterdir()) == ["results.json"]


def reseal(data_dir, key):
    """Rewrite the copy's manifest line for key, so the content check (not the checksum) fires."""
    manifest = data_dir / "MANIFEST.sha256"
    digest = hashlib.sha256((data_dir / key).read_bytes()).hexdigest()
    lines = [f"{digest}  {key}" if line.endswith(f"  {key}") else line
             for line in manifest.read_text().splitlines()]
    manifest.write_text("\n".join(lines) + "\n")


def broken_data(root, name, breaking):
    """A private copy of shared_data, changed by breaking(copy), for the refused cases to read."""
    target = root / "data" / re.sub(r"[^a-z0-9]+", "_", name.lower())
    shutil.copytree(ROOT / "shared_data", target)
    breaking(target)
    return target


# The Austen lessons' refusal cases break the test novel of a copy of shared_data, the same ways.
BOOK = "text/persuasion.txt"


def with_bytes(content, seal=True):
    """The novel's bytes replaced (content may be a function of the data folder), the manifest resealed."""
    def breaking(data_dir):
        (data_dir / BOOK).write_bytes(content(data_dir) if callable(content) else content)
        if seal:
            reseal(data_dir, BOOK)
    return breaking


def without_the_file(data_dir):
    (data_dir / BOOK).unlink()


def one_letter_changed(data_dir):
    text = (data_dir / BOOK).read_text(encoding="utf-8")
    return (text[:1000] + ("x" if text[1000] != "x" else "y") + text[1001:]).encode("utf-8")


def half_of_it(data_dir):
    text = (data_dir / BOOK).read_text(encoding="utf-8")
    return text[:len(text) // 2].encode("utf-8")


def another_novel(data_dir):
    """Pride and Prejudice, longer than the test novel: with the manifest resealed, only its first line tells."""
    return (data_dir / "text" / "pride_and_prejudice.txt").read_bytes()


def with_crlf(data_dir):
    """The right novel as a Windows checkout with core.autocrlf would write it."""
    return (data_dir / BOOK).read_bytes().replace(b"\n", b"\r\n")


def with_a_new_ending(data_dir):
    return (data_dir / BOOK).read_bytes() + b"Chapter 25\nAnne and Wentworth sailed for the Indies.\n"


# name: (how a copy of shared_data is broken; the sentence's words, {book} the broken file's path)
NOVEL_CASES = {
    "a missing text file": (without_the_file, "The data file {book} is missing: run ./workshop setup"),
    "a truncated text file": (with_bytes(half_of_it),
                              "{book} holds 232862 characters, fewer than the 465725 the spec expects, so it is truncated"),
    "a text file that is not UTF-8": (with_bytes(b"Persuasion \xe9t\xe9\n" * 40000), "{book} is not UTF-8 text: restore it"),
    "a text file holding a NUL byte": (with_bytes(b"Persuasion\x00\n" * 40000), "{book} is not UTF-8 text: restore it"),
    "a checksum mismatch": (with_bytes(one_letter_changed, seal=False), "{book} does not match its checksum in the manifest"),
    "an empty book": (with_bytes(b""), "{book} is empty, so the book Persuasion has no text"),
    "another novel under the test novel's name": (
        with_bytes(another_novel),
        '{book} holds Pride and Prejudice, not Persuasion (which begins "Persuasion"): restore it with '
        "git checkout -- shared_data (or rerun Rscript tools/export_austen.R)."),
    "the test novel with Windows line endings": (
        with_bytes(with_crlf),
        "{book} has Windows line endings (CRLF): restore it with git checkout -- shared_data "
        "(the repository's .gitattributes keeps shared_data byte for byte)."),
    "the test novel with text added at its end": (
        with_bytes(with_a_new_ending),
        '{book} ends "Anne and Wentworth sailed for the Indies.", not "Finis" as Persuasion does, so it was changed: '
        "restore it with git checkout -- shared_data"),
}


def workshop_copy(root, name, edit_spec=None, breaking=None):
    """A workshop of its own (python/, R/ and shared_data/, with the real .venv linked in), whose spec
    edit_spec(spec) and whose shared_data breaking(folder) may change: for what no option reaches."""
    tree = root / "trees" / re.sub(r"[^a-z0-9]+", "_", name.lower())
    for part in ("python", "R", "shared_data"):
        shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(ROOT / ".venv", tree / ".venv")
    if edit_spec:
        spec = json.loads((tree / "shared_data" / "spec.json").read_text())
        edit_spec(spec)
        (tree / "shared_data" / "spec.json").write_text(json.dumps(spec, indent=2))
    if breaking:
        breaking(tree / "shared_data")
    return tree


def read_results(out_dir):
    return json.loads((Path(out_dir) / "results.json").read_text())


@pytest.fixture
def data_copy(tmp_path):
    """A private copy of shared_data that a test may break without touching the real one."""
    target = tmp_path / "shared_data"
    shutil.copytree(ROOT / "shared_data", target)
    return target


@pytest.fixture
def previous_results(tmp_path):
    """An output folder holding an earlier run's results, which a refused run must not touch."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text(EARLIER)
    return out


QUICK = {}   # "root": where the quick runs write; (language, lesson): the Future of that run


def quick_root():
    if "root" not in QUICK:
        QUICK["root"] = temporary_folder("quick_outputs-")
    return QUICK["root"]


def quick_run(language, lesson, out):
    """One language's quick run of a lesson, in its own process: (what it printed, the executed
    notebook or None). A lesson that is a notebook as well as a script runs as a notebook, in its
    real kernel; a lesson by hand runs as its notebook in notebooks/, whose last cell runs the whole
    lesson. Either way one run serves the parity tests and the notebook tests."""
    if lesson in SPEC["lessons_by_hand"]:
        path = ROOT / "notebooks" / f"{lesson}.{'py' if language == 'python' else 'R'}"
        notebook, error = run_notebook_file(path, "--out", str(out))
    elif is_notebook_lesson(language, lesson):
        notebook, error = run_notebook(language, lesson, "--profile", "quick", "--out", str(out))
    else:
        ran = run_lesson(language, lesson, "--profile", "quick", "--out", str(out))
        assert ran.returncode == 0, f"{language} {lesson} failed:\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
        return ran.stdout, None
    assert error is None, f"{language} {lesson} failed as a notebook:\n{error}"
    return notebook_text(notebook), notebook


def start_quick_run(lesson):
    """Queue both languages' quick runs of a lesson (once a session). The thread count is pinned by
    the spec, so runs side by side change no bit."""
    for language in ("python", "r"):
        if (language, lesson) not in QUICK:
            QUICK[language, lesson] = BACKGROUND.submit(quick_run, language, lesson, quick_root() / language / lesson)


@pytest.fixture(scope="session")
def quick_outputs():
    """Each lesson's quick profile, run once per test session in Python and in R, each in its own process.

    Call it with a lesson name; it returns the outputs folder (outputs/<language>/<lesson>/ inside)
    that the parity, report and slide tests share, so no lesson trains twice in one session.
    What each run printed is kept in its .printed[language, lesson], and the executed notebook in
    .notebooks[language, lesson].
    """
    def ensure(lesson):
        start_quick_run(lesson)
        for language in ("python", "r"):
            printed, notebook = QUICK[language, lesson].result()
            ensure.printed[language, lesson] = printed
            if notebook is not None:
                ensure.notebooks[language, lesson] = notebook
        return quick_root()

    ensure.printed = {}   # (language, lesson) -> what the run printed
    ensure.notebooks = {}   # (language, lesson) -> the executed notebook
    return ensure
