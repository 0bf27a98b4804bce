"""What every exercise check shares: the kinds, the comparison, and the wording of the hints.

A check never runs the learner's code: it describes a job for the child runner
(exercises/runner.py or exercises/runner.R), and judges the values the child sends back.
All hints are made here, in Python, from those values, so a Python and an R learner who
make the same mistake read the same sentence.
"""
import importlib
import re
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

NOT_DONE = "not done yet: fill in the lines marked ____"
BY_HAND_SECONDS = 3    # how long a by-hand job may run before the runner stops it
KERAS_SECONDS = 60     # a job that builds a Keras model starts TensorFlow first
EXERCISES = {}


class _Stub(types.ModuleType):
    """Stands in for keras while a lesson module is imported only for its NumPy functions."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Stub(name)

    def __call__(self, *args, **kwargs):
        return _Stub("called")


def lesson(name):
    """A lesson module, imported without starting TensorFlow (~5 s) for a by-hand check.

    Lessons import keras at the top, but the functions the checks use (closed-form counts,
    the sunspot baselines) are NumPy only; the stub is removed again at once.
    """
    if name in _ORACLES:
        return _ORACLES[name]
    path = ROOT / "python" / f"{name}.py"
    if path.read_text().startswith("# ---\n# jupyter:"):   # a lesson written top to bottom: its definitions only
        _ORACLES[name] = definitions_of(path)
        return _ORACLES[name]
    if name in sys.modules or "keras" in sys.modules:   # the real one is here already: no stub needed
        _ORACLES[name] = importlib.import_module(name)
        return _ORACLES[name]
    before = dict(sys.modules)
    sys.modules.update(keras=_Stub("keras"), tensorflow=_Stub("tensorflow"))
    try:
        _ORACLES[name] = importlib.import_module(name)
    finally:   # nothing imported under the stub stays in sys.modules: a later real import is real
        for key in set(sys.modules) - set(before):
            del sys.modules[key]
    return _ORACLES[name]


_ORACLES = {}


def definitions_of(path):
    """A lesson that is a script and a notebook at once runs top to bottom when imported (it would
    train): take only its imports, functions, classes and UPPER_CASE constants, with keras stubbed."""
    import ast
    tree = ast.parse(path.read_text())
    keep = [node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))
            or (isinstance(node, (ast.Import, ast.ImportFrom))
                and not any(alias.name == "workshop" for alias in node.names) and getattr(node, "module", "") != "workshop")
            or (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets))]
    module = types.ModuleType(path.stem)
    module.__file__ = str(path)
    saved = {key: sys.modules.get(key) for key in ("keras", "tensorflow")}
    if "keras" not in sys.modules:
        sys.modules.update(keras=_Stub("keras"), tensorflow=_Stub("tensorflow"))
    try:
        exec(compile(ast.Module(body=keep, type_ignores=[]), str(path), "exec"), module.__dict__)
    finally:
        for key, value in saved.items():
            if value is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = value
    return module


def register(cls):
    EXERCISES[cls.id] = cls()
    return cls


@dataclass
class Mistake:
    """A common mistake: the answer it gives, the hint it gets, and the edits that make it.

    `answer(case)` computes the mistaken answer (for a predict exercise: a dict of values);
    `edits` maps "python" and "r" to (old, new) text replacements that turn the solution
    file into code making this mistake, so the tests run real wrong code in both languages.
    """
    name: str
    answer: object
    hint: str
    edits: dict = field(default_factory=dict)
    # language -> a regular expression for the error this mistake makes the learner's code stop
    # with in that language (R's "subscript out of bounds" where NumPy quietly takes a shorter
    # slice): the learner then reads this mistake's hint, not the raw error.
    crash: dict = field(default_factory=dict)


def shape_text(shape):
    return " x ".join(str(n) for n in shape) if len(shape) else "a single number"


def number(x):
    return f"{float(x):.6g}"


def close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-7, atol=1e-9)


def as_numbers(value):
    """The learner's value as a float array, or None when it is not numbers at all."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def numeric(value):
    """Numbers only (a list of them too): "24" or TRUE is not an answer to a count."""
    if isinstance(value, list):
        return len(value) > 0 and all(numeric(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def type_problem(value, what):
    if value is None or value == {} or value == []:
        return f"your {what} gave back nothing: did you forget to return the result?"
    if isinstance(value, dict) and "unsupported_type" in value:
        return f"your {what} gave back a {value['unsupported_type']}, not numbers."
    if as_numbers(value) is None:
        return f"your {what} gave back something that is not a table of numbers: return numbers only."
    return None


def position(index):
    names = ["row", "column", "channel"] if len(index) > 1 else ["entry"]
    return ", ".join(f"{n} {i + 1}" for n, i in zip(names, index)) + " (counting from 1)"


# Hints are written once, with code in Python's syntax; an R learner reads the same hint with the
# code in R's: keras3's names, ` = TRUE`, c(...) for a shape. (Phrases only: the words stay the same.)
R_SYNTAX = [
    (r"keras\.Sequential\(\[keras\.Input\(shape=\(([^()]*)\)\), \.\.\.\]\)",
     r"keras_model_sequential(input_shape = c(\1)) |> ..."),
    (r"layers\.Reshape\(\(([^()]*)\)\)", r"layer_reshape(c(\1))"),
    (r"keras\.Input\(shape=\(([^()]*)\)\)", r"keras_input(shape = c(\1))"),
    (r"\bRepeatVector\(", "layer_repeat_vector("),
    (r"\bSimpleRNN\(", "layer_simple_rnn("),
    (r"\bDense\(", "layer_dense("),
    (r"(\w+)=True\b", r"\1 = TRUE"),
    (r"(\w+)=False\b", r"\1 = FALSE"),
    (r"(\w+)=None\b", r"\1 = NULL"),
    (r"(\w+)=\(([^()]*)\)", r"\1 = c(\2)"),
    (r"(\w+)=(\"[^\"]*\"|'[^']*'|\d[\w.]*)", r"\1 = \2"),
]


def speak(message, language):
    """A hint in the learner's language: R's syntax for the code it quotes, Python's as written."""
    if language != "r" or not message:
        return message
    for pattern, replacement in R_SYNTAX:
        message = re.sub(pattern, replacement, message)
    return message


def crash_hint(exercise, language, message):
    """(hint, mistake name) for an error that a listed mistake makes the code stop with, or None."""
    for mistake in exercise.mistakes:
        pattern = mistake.crash.get(language)
        if pattern and re.search(pattern, message or ""):
            return mistake.hint, mistake.name
    return None


class Exercise:
    id = kind = ""
    time_limit = BY_HAND_SECONDS
    keras = False
    mistakes = []

    def job(self, file, language):
        raise NotImplementedError

    def judge(self, values, language):
        """(passed, message, the name of the common mistake it matched or None)."""
        raise NotImplementedError


class ByHand(Exercise):
    """Build: a function of the learner's, called on hidden inputs, against the project's own."""
    kind = "build"
    function = ""
    seed = 16

    def cases(self, rng):
        raise NotImplementedError

    def expected(self, case):
        raise NotImplementedError

    def describe(self, case):
        return "the hidden input"

    def hidden(self):
        if not hasattr(self, "_cases"):
            self._cases = self.cases(np.random.default_rng(self.seed))
        return self._cases

    def job(self, file, language):
        cases = [{k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in c.items()}
                 for c in self.hidden()]
        return {"file": str(file), "function": self.function, "cases": cases,
                "time_limit": self.time_limit, "keras": self.keras}

    def judge(self, values, language):
        for case, got in zip(self.hidden(), values):
            message = self.judge_case(case, got)
            if message:
                return (False, *message) if isinstance(message, tuple) else (False, message, None)
        return True, (f"passed: your {self.function} agrees with the workshop's own code "
                      f"on {len(self.hidden())} hidden inputs."), None

    def judge_case(self, case, got):
        expected = self.expected(case)
        parts = expected if isinstance(expected, dict) else {None: expected}
        what = f"{self.function}"
        if isinstance(expected, dict) and not isinstance(got, dict):
            return type_problem(got, what) or (
                f"your {what} should give back {' and '.join(parts)}, by those names "
                f"(a dict in Python, a named list in R).")
        for key, exp in parts.items():
            value = got if key is None else got.get(key)
            name = what if key is None else f"{key}"
            if key is not None and key not in got:
                return f"your {what} gives back no {key}: name it {key} (a dict in Python, a named list in R)."
            problem = type_problem(value, name)
            if problem:
                return problem
            raw, exp = as_numbers(value), np.asarray(exp, dtype=float)
            g, e = np.squeeze(raw), np.squeeze(exp)   # R's 1 x n matrix and n-vector are one answer
            if close(g, e):
                continue
            for mistake in self.mistakes:
                wrong = mistake.answer(case)
                wrong = wrong.get(key) if isinstance(wrong, dict) else wrong
                if wrong is not None and close(g, np.squeeze(np.asarray(wrong, dtype=float))):
                    return mistake.hint.format(desc=self.describe(case), got_shape=shape_text(raw.shape),
                                               expected_shape=shape_text(exp.shape)), mistake.name
            if g.shape != e.shape:
                what_is = f"{name} output" if key is None else name
                return (f"your {what_is} is {shape_text(raw.shape)}, but {self.describe(case)} gives "
                        f"{shape_text(exp.shape)}.")
            index = np.unravel_index(np.argmax(np.abs(g - e)), e.shape) if e.shape else ()
            at = f" at {position(index)}" if index else ""
            return (f"for {self.describe(case)}, your {name}{at} is {number(g[index])}, but it should "
                    f"be {number(e[index])}: work that entry out by hand with the slide's formula.")
        return None


class Predict(Exercise):
    """Predict, then check: named values the learner works out, against the project's own code."""
    kind = "predict"
    nudges = {}

    def expected(self):
        raise NotImplementedError

    def job(self, file, language):
        return {"file": str(file), "names": list(self.expected()), "time_limit": self.time_limit}

    def judge(self, values, language):
        expected = self.expected()
        for name, exp in expected.items():
            got = values.get(name)
            if not numeric(got):
                return False, f"{name} should be a number, not {got!r}.", None
            g, e = np.squeeze(as_numbers(got)), np.squeeze(np.asarray(exp, dtype=float))
            if close(g, e):
                continue
            for mistake in self.mistakes:
                wrong = mistake.answer().get(name)
                if wrong is not None and close(g, np.squeeze(np.asarray(wrong, dtype=float))):
                    return False, mistake.hint.format(got=show(g), expected=show(e), name=name), mistake.name
            return False, (f"{name} is {show(g)}, which is not it yet: "
                           f"{self.nudges.get(name, 'work it out again from the slide, one step at a time.')}"), None
        return True, f"passed: all {len(expected)} of your answers are right.", None


def show(x):
    x = np.asarray(x)
    if x.shape:
        return "(" + ", ".join(show(v) for v in x) + ")"
    return f"{int(x):,}" if float(x).is_integer() else number(x)
