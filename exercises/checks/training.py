"""The training exercises: change and compare (both twins edited the same way), and open goals.

Their checks read the results files the learner's runs wrote (outputs/<language>/<lesson>/),
and a change exercise also runs the project's own compare (tools/compare.py) on the two: the
proof that the Python edit and the R edit agree. The learner's file holds a prediction (the
changed model's parameters) or a note, read by the child runner as any predict exercise is;
the expected count comes from the results Keras wrote, never from this file.
"""
import json
import sys

from .base import ROOT, Exercise, Mistake, register, show

LANGUAGE_NAME = {"python": "Python", "r": "R"}
LESSON_FILE = {"python": "python/{}.py", "r": "R/{}.R"}


def results_of(lesson, language):
    path = ROOT / "outputs" / language / lesson / "results.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def layer(results, name=None, cls=None):
    for entry in results["model"]["layers"]:
        if (name is None or entry["name"] == name) and (cls is None or entry["class"] == cls):
            return entry
    return None


class Change(Exercise):
    kind = "change"
    lesson = profile = ""
    answer = "total_params"
    change = ""            # what both runs must show, as a sentence ends: "16 filters in the first Conv2D"
    lesson_edits = {}      # the edit itself, per language: the tests apply it to the lessons' twins
    copies = False         # True: the learner edits and runs their own copies of the lesson (their exercise
                           # files), not the lesson; the check then reads only the prediction's line of them

    def edited(self, results):
        raise NotImplementedError

    def truth(self, results):
        return results["model"]["total_params"]

    def job(self, file, language):
        return {"file": str(file), "names": [self.answer], "time_limit": self.time_limit,
                "assignments_only": self.copies}

    def twin(self, language):
        """The file the learner edits in that language: the lesson's twin, or their own copy of it."""
        if self.copies:
            return f"exercises/{'python' if language == 'python' else 'R'}/{self.id}.{'py' if language == 'python' else 'R'}"
        return LESSON_FILE[language].format(self.lesson)

    def run_hint(self):
        if self.copies:
            return f".venv/bin/python {self.twin('python')} and Rscript {self.twin('r')}"
        return f"./workshop run {self.lesson} --profile {self.profile}"

    def judge(self, values, language):
        runs = {lang: results_of(self.lesson, lang) for lang in ("python", "r")}
        missing = [LANGUAGE_NAME[lang] for lang, r in runs.items() if r is None]
        if missing:
            return False, (f"not done yet: there are no {' and '.join(missing)} results of {self.lesson}: "
                           f"make the change in both twins, then run {self.run_hint()}"), "not_run"
        for lang, r in runs.items():
            if r.get("config", {}).get("profile") != self.profile:
                return False, (f"your {LANGUAGE_NAME[lang]} run used the {r.get('config', {}).get('profile')} "
                               f"profile: run both with {self.run_hint()}"), "wrong_profile"
        done = {lang: self.edited(r) for lang, r in runs.items()}
        if not any(done.values()):
            return False, (f"neither run has {self.change} yet: edit {self.twin('python')} "
                           f"and {self.twin('r')}, then run {self.run_hint()}"), "not_edited"
        if not all(done.values()):
            yes, no = (next(lang for lang in done if done[lang] == want) for want in (True, False))
            return False, (f"your {LANGUAGE_NAME[yes]} run has {self.change}, but your {LANGUAGE_NAME[no]} run "
                           f"does not: make the same edit in {self.twin(no)}, then run "
                           f"{self.run_hint()}"), "one_language_only"
        sys.path.insert(0, str(ROOT / "tools"))
        import compare
        try:
            rows = compare.compare_lesson(ROOT / "outputs", self.lesson, 0.0)
        except compare.CompareError as e:
            return False, f"the compare cannot read the results: {e}", "unreadable"
        differ = [row[0] for row in rows if row[-1] == "DIFFERENT" and "seconds" not in str(row[0])
                  and not (self.copies and row[0] == "plot files")]   # a copy draws none of the lesson's pictures
        if differ:
            return False, (f"both runs have {self.change}, but the compare finds them different in "
                           f"{', '.join(differ[:4])}: the two edits must be the same (the same numbers, in the "
                           f"same place); fix one, then run {self.run_hint()}"), "twins_differ"
        truth, got = self.truth(runs["python"]), values.get(self.answer)
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return False, f"{self.answer} should be a number, not {got!r}.", None
        if got != truth:
            for mistake in self.mistakes:
                if got == mistake.answer(runs["python"]):
                    return False, mistake.hint.format(got=show(got), expected=show(truth)), mistake.name
            return False, (f"both twins agree, but {self.answer} is {show(got)}, and Keras counts "
                           f"{show(truth)}: look at model.summary() layer by layer."), None
        return True, (f"passed: both twins have {self.change}, the compare finds them identical in all "
                      f"{len(rows)} rows, and your {show(got)} is Keras' own count."), None


@register
class CnnFilters(Change):
    id, lesson, profile = "cnn_filters", "cnn_mnist", "quick"
    copies = True   # exercises/python/cnn_filters.py and exercises/R/cnn_filters.R: lesson 1's steps, copied
    change = "16 filters in the first Conv2D"
    lesson_edits = {"python": [('layers.Conv2D(32, 3, activation="relu")', 'layers.Conv2D(16, 3, activation="relu")')],
                    "r": [('layer_conv_2d(filters = 32, kernel_size = 3, activation = "relu")', 'layer_conv_2d(filters = 16, kernel_size = 3, activation = "relu")')]}
    mistakes = [
        Mistake("second_conv_unchanged", lambda r: r["model"]["total_params"] - 9 * 16 * 64 + 9 * 32 * 64,
                "{got} counts the first Conv2D's new size only: the second Conv2D now reads 16 maps, so its "
                "kernels are 3 x 3 x 16, not 3 x 3 x 32 ({expected} in all).",
                {"python": [("(3 * 3 * 16 * 64 + 64)", "(3 * 3 * 32 * 64 + 64)")],
                 "r": [("(3 * 3 * 16 * 64 + 64)", "(3 * 3 * 32 * 64 + 64)")]}),
        Mistake("old_model", lambda r: r["model"]["total_params"] + 9 * 16 + 16 + 9 * 16 * 64,
                "{got} is the model before the change; with 16 filters Keras counts {expected}.",
                {"python": [("(3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64)", "(3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64)")],
                 "r": [("(3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64)", "(3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64)")]}),
    ]

    def edited(self, results):
        first = layer(results, cls="Conv2D")
        return first is not None and first["output_shape"][-1] == 16


@register
class Lenet5F6(Change):
    id, lesson, profile = "lenet5_f6", "lenet5", "quick"
    change = "an F6 of 42 units"
    lesson_edits = {"python": [('layers.Dense(84, activation="tanh", name="f6")', 'layers.Dense(42, activation="tanh", name="f6")')],
                    "r": [('layer_dense(units = 84, activation = "tanh", name = "f6")', 'layer_dense(units = 42, activation = "tanh", name = "f6")')]}
    mistakes = [
        Mistake("output_layer_unchanged", lambda r: r["model"]["total_params"] + 42 * 10,
                "{got} leaves the output layer as it was: Dense(10) now reads 42 units, 10 x (42 + 1) "
                "parameters ({expected} in all).",
                {"python": [("10 * (42 + 1)", "10 * (84 + 1)")], "r": [("10 * (42 + 1)", "10 * (84 + 1)")]}),
    ]

    def edited(self, results):
        f6 = layer(results, name="f6")
        return f6 is not None and f6["output_shape"][-1] == 42


@register
class RnnToGru(Change):
    id, lesson, profile = "rnn_to_gru", "rnn_forecaster", "exercise"
    answer = "gru_params"
    change = "a GRU as its recurrent layer"
    lesson_edits = {"python": [('layers.SimpleRNN(settings["units"], name="recurrent")', 'layers.GRU(settings["units"], name="recurrent")')],
                    "r": [('layer_simple_rnn(units = settings$units, name = "recurrent")', 'layer_gru(units = settings$units, name = "recurrent")')]}
    mistakes = [
        Mistake("simple_rnn_count", lambda r: layer(r, name="recurrent")["output_shape"][-1] * 18,
                "{got} is the SimpleRNN's count; a GRU has three blocks of weights (update gate, reset gate, "
                "candidate): Keras counts {expected}.",
                {"python": [("3 * (16 * (16 + 1) + 2 * 16)", "16 * (16 + 1) + 16")],
                 "r": [("3 * (16 * (16 + 1) + 2 * 16)", "16 * (16 + 1) + 16")]}),
        Mistake("one_bias", lambda r: 3 * 18 * layer(r, name="recurrent")["output_shape"][-1],
                "{got} gives each block one bias; Keras' GRU (reset_after=True) has two, so it counts {expected}.",
                {"python": [("3 * (16 * (16 + 1) + 2 * 16)", "3 * (16 * (16 + 1) + 16)")],
                 "r": [("3 * (16 * (16 + 1) + 2 * 16)", "3 * (16 * (16 + 1) + 16)")]}),
    ]

    def edited(self, results):
        recurrent = layer(results, name="recurrent")
        return recurrent is not None and recurrent["class"] == "GRU"

    def truth(self, results):
        return layer(results, name="recurrent")["params"]


class Open(Exercise):
    kind = "open"
    lesson = profile = ""
    answer = "what_i_changed"
    copies = False   # True: the learner changes and runs their own copy of the lesson (their exercise file)

    def job(self, file, language):
        return {"file": str(file), "names": [self.answer], "time_limit": self.time_limit,
                "assignments_only": self.copies}

    def judge(self, values, language):
        # The hints name no language: a Python and an R learner in the same spot read the same words.
        run = results_of(self.lesson, language)
        if self.copies:
            mine = f"exercises/python/{self.id}.py or exercises/R/{self.id}.R"
            if run is None:
                return False, (f"not done yet: your copy of {self.lesson} ({mine}) has no results yet: change it, "
                               f"then run it"), "not_run"
        twins = f"{LESSON_FILE['python'].format(self.lesson)} or {LESSON_FILE['r'].format(self.lesson)}"
        if run is None:
            return False, (f"not done yet: your twin of {self.lesson} ({twins}) has no results yet: change it, "
                           f"then run it with --profile {self.profile}"), "not_run"
        if run.get("config", {}).get("profile") != self.profile:
            return False, (f"your run used the {run.get('config', {}).get('profile')} profile: the goal is "
                           f"measured on --profile {self.profile}"), "wrong_profile"
        return self.goal(run)


@register
class CnnSmall(Open):
    id, lesson, profile = "cnn_small", "cnn_mnist", "quick"
    copies = True   # exercises/python/cnn_small.py and exercises/R/cnn_small.R: lesson 1's steps, copied
    max_params, min_accuracy = 50_000, 0.75

    def goal(self, run):
        params, accuracy = run["model"]["total_params"], run["test"]["accuracy"]
        if params > self.max_params:
            return False, (f"your network has {params:,} parameters, more than the {self.max_params:,} allowed: "
                           f"the Dense layer after Flatten holds most of them; make it (or the map it reads) "
                           f"smaller."), "too_big"
        if accuracy < self.min_accuracy:
            return False, (f"{params:,} parameters is within the limit, but the test accuracy is "
                           f"{accuracy:.1%}, below {self.min_accuracy:.0%}: a small network learns slowly in "
                           f"two epochs; try a larger learning rate (set settings[\"learning_rate\"] before "
                           f"compiling) or wider convolutions before a small Dense layer."), "too_weak"
        return True, (f"passed: {accuracy:.1%} test accuracy with {params:,} parameters "
                      f"(lesson 1's network: 225,034)."), None


@register
class SunspotsBeat(Open):
    id, lesson, profile = "sunspots_beat", "sunspots", "exercise"
    min_skill = 0.15

    def goal(self, run):
        gru, persistence = run["test"]["gru_rmse_mean"], run["baseline"]["persistence_rmse_mean"]
        skill = 1 - gru / persistence
        if skill < self.min_skill:
            return False, (f"your GRU's RMSE is {gru:.2f}, {skill:.1%} below persistence's {persistence:.2f}: "
                           f"the goal is {self.min_skill:.0%}. Try more units, a longer training (epochs and "
                           f"patience), or another window."), "not_enough_skill"
        return True, (f"passed: your GRU's RMSE {gru:.2f} is {skill:.1%} below persistence's "
                      f"{persistence:.2f} on the exercise slice."), None
