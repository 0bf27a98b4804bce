"""Unit tests of the exercise checker's pieces: starters from solutions, blanks, the hint wording.
(tests/cross/test_exercises.py runs every exercise in both languages.)"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
import check  # noqa: E402
import make_exercises  # noqa: E402
from exercises.checks import EXERCISES, base  # noqa: E402


def test_a_marked_line_becomes_its_starter_text():
    assert make_exercises.strip("    x = a + b  #> x = ____  # the sum\ny = 1\n") == "    x = ____  # the sum\ny = 1\n"


def test_a_solution_region_keeps_only_its_starter_lines():
    text = "a\n  # BEGIN SOLUTION\n  #> b = ____\n  b = 2\n  c = 3\n  # END SOLUTION\nd\n"
    assert make_exercises.strip(text) == "a\n  b = ____\nd\n"


def test_an_unclosed_region_is_refused():
    with pytest.raises(ValueError, match="END SOLUTION"):
        make_exercises.strip("# BEGIN SOLUTION\nx = 1\n")


def test_a_blank_in_a_comment_is_not_a_blank(tmp_path):
    done, open_ = tmp_path / "done.py", tmp_path / "open.R"
    done.write_text("# fill in the lines marked ____\nx = 1\n")
    open_.write_text("x <- ____  # the answer\n")
    assert not check.has_blank(done) and check.has_blank(open_)


def test_shapes_and_numbers_read_the_same_for_both_languages():
    assert base.shape_text((3, 2)) == "3 x 2" and base.shape_text(()) == "a single number"
    assert base.show(1516.0) == "1,516" and base.show([5, 2]) == "(5, 2)"
    assert base.position((0, 2)) == "row 1, column 3 (counting from 1)"


def test_nothing_and_text_are_named_as_such():
    assert "forget to return" in base.type_problem(None, "f")
    assert "not a table of numbers" in base.type_problem(["a", "b"], "f")
    assert base.type_problem([[1, 2]], "f") is None


def test_a_by_hand_check_never_starts_tensorflow():
    """The checker imports lessons for their NumPy functions with keras stubbed out: no 5 s start."""
    solutions = {i: str(ROOT / "exercises" / "solutions" / "python" / f"{i}.py")
                 for i in ("rnn_types_shapes", "sunspot_baselines", "gap_params", "austen_unigram_bpc")}
    code = ("import sys; sys.path.insert(0, 'tools'); import check; "
            f"done = check.check_many([{{'id': i, 'file': f}} for i, f in {solutions!r}.items()]); "
            "assert all(d['code'] == 0 for d in done), done; "
            # and nothing imported under the stand-in stays behind for a later, real import
            "print(sorted(m for m in ('keras', 'tensorflow', 'steps', 'rnn_types', 'sunspots') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_every_exercise_has_a_different_hint_per_mistake_and_an_edit_per_language():
    for exercise in EXERCISES.values():
        for mistake in exercise.mistakes:
            assert set(mistake.edits) == {"python", "r"}, (exercise.id, mistake.name)


def test_the_expected_values_are_the_projects_own():
    import foundations_pooling as fp
    c3 = EXERCISES["lenet_c3_params"].expected()
    assert c3["c3_params"] == fp.lenet_c3_params(fp.parse_connection_table(fp.lenet_c3_table_rows())) == 1516
    assert EXERCISES["lstm_gru_params"].expected() == {"simple_rnn": 1088, "lstm": 4352, "gru": 3360}


def test_hidden_inputs_differ_from_the_starters_example():
    cases = EXERCISES["conv2d_stride"].hidden()
    assert all(c["x"].shape != (5, 5) or not np.array_equal(c["x"], np.arange(1.0, 26.0).reshape(5, 5)) for c in cases)


def test_a_prediction_must_be_a_number():
    exercise = EXERCISES["conv_output_size"]
    right = exercise.expected()
    for wrong in ("24", True, None, {"a": 1}):
        passed, message, _ = exercise.judge({**right, "size_a": wrong}, "python")
        assert not passed and message.startswith("size_a should be a number")
    assert exercise.judge(right, "r")[0]
