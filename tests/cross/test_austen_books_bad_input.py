"""Bad text, bad spec values and a bad option for the austen_books lesson, in both languages: one plain
sentence, exit code 2, and an earlier results.json left as it was. The cases share one process per
language (conftest.refuse_all), with every other bad-input module's cases (conftest.start_refusals)."""
import pytest

from conftest import BOOK, NOVEL_CASES, assert_refused, broken_data, workshop_copy

LESSON = "austen_books"


def quick(**changes):
    def edit(spec):
        spec["lessons"][LESSON]["profiles"]["quick"].update(changes)
    return edit


def split_of(**changes):
    def edit(spec):
        spec["lessons"][LESSON]["split"].update(changes)
    return edit


# name: (how the copy of shared_data is broken; the sentence's words)
DATA_CASES = NOVEL_CASES   # shared_data broken as for every reader of the novels (conftest)
# name: (how a workshop copy's spec is changed; the sentence's words)
SPEC_CASES = {
    "passages too long for a book": (
        quick(passage_words=20000),
        "Passages of 20000 words leave sense_and_sensibility with only 6 passages (4 to train, 1 to validate, "
        "1 to test), fewer than 10 in a part: use a shorter passage_words in the spec"),
    "a vocabulary of no words": (
        quick(vocabulary_size=0),
        "shared_data/spec.json sets vocabulary_size to 0 for the quick profile of austen_books: use a whole number above 0"),
    "no units": (
        quick(units=0), "shared_data/spec.json sets units to 0 for the quick profile of austen_books: use a whole number above 0"),
    "a split that leaves no training part": (
        split_of(val=2, test=3), "shared_data/spec.json splits every book of austen_books into parts, val and test"),
}
OPTION_CASES = {
    "an unknown option": (["--passages", "10"], "Unknown option '--passages': use --profile, --dataset, --seed"),
    "an option given twice": (["--seed", "1", "--seed", "2"], "The option '--seed' is given twice: give it once"),
}


def refusal_cases(root):
    """Run with every other module's, in one batch (conftest.start_refusals)."""
    data = {name: broken_data(root, name, breaking) for name, (breaking, _) in DATA_CASES.items()}
    cases = {name: (LESSON, data[name], []) for name in DATA_CASES}
    for name, (edit, _) in SPEC_CASES.items():
        cases[name] = (LESSON, None, [], workshop_copy(root, name, edit_spec=edit))
    for name, (args, _) in OPTION_CASES.items():
        cases[name] = (LESSON, None, args)
    return data, cases


@pytest.mark.parametrize("language", ["python", "r"])
@pytest.mark.parametrize("case", [*DATA_CASES, *SPEC_CASES, *OPTION_CASES])
def test_bad_input_gets_one_sentence_and_exit_2(language, case, refused):
    data, answers = refused
    done = answers[case, language]
    message = (DATA_CASES.get(case) or SPEC_CASES.get(case) or OPTION_CASES[case])[1]
    assert_refused(done, message.format(book=data[case] / BOOK if case in data else ""), done.out)
