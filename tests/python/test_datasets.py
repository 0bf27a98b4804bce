"""datasets.read_novel checks that each novel is the book the spec names (its first line, how it
ends), with LF line endings, and git keeps shared_data/ byte for byte. tests/R/test-datasets.R
mirrors it."""
import subprocess

import pytest

import datasets
import helpers
from conftest import ROOT, reseal
from helpers import WorkshopError

BOOK = "text/persuasion.txt"


def config_for(data_dir=None):
    return helpers.lesson_config("austen", "quick", data_dir=None if data_dir is None else str(data_dir))


def test_every_shipped_novel_is_the_book_the_spec_names():
    for lesson in ("austen", "austen_books"):
        config = helpers.lesson_config(lesson, "quick")
        for name, book in config["books"].items():
            text = datasets.read_novel(config, name)
            lines = datasets.novel_lines(text)
            assert "\r" not in text and len(text) == book["chars"]
            assert lines[0] == book["first_line"] and lines[-1].endswith(book["ends"])


def persuasion():
    return (ROOT / "shared_data" / BOOK).read_bytes()


def refusal(data_copy, content):
    (data_copy / BOOK).write_bytes(content)
    reseal(data_copy, BOOK)   # the checksum agrees: only the content checks can tell
    with pytest.raises(WorkshopError) as caught:
        datasets.read_novel(config_for(data_copy), "persuasion")
    return str(caught.value)


RESTORE = "restore it with git checkout -- shared_data (or rerun Rscript tools/export_austen.R)."


@pytest.mark.parametrize("content, message", [
    (lambda: persuasion().replace(b"\n", b"\r\n"),
     "{path} has Windows line endings (CRLF): restore it with git checkout -- shared_data "
     "(the repository's .gitattributes keeps shared_data byte for byte)."),
    (lambda: (ROOT / "shared_data" / "text" / "emma.txt").read_bytes(),
     '{path} holds Emma, not Persuasion (which begins "Persuasion"): ' + RESTORE),
    (lambda: b"\n  \n" + ("The Project Gutenberg eBook of Lady Susan, by Jane Austen, " * 2).encode() + b"\n" + persuasion(),
     '{path} holds a text beginning "The Project Gutenberg eBook of Lady Susan, by Jane Austen...", '
     'not Persuasion (which begins "Persuasion"): ' + RESTORE),
    (lambda: b"\n \t\n" * 3, '{path} holds only blank lines, not Persuasion (which begins "Persuasion"): ' + RESTORE),
    (lambda: persuasion() + ("Anne wrote a sequel, " * 5).encode() + "set in Lyme – and Bath.\n".encode(),
     '{path} ends "...te a sequel, Anne wrote a sequel, set in Lyme – and Bath.", '
     'not "Finis" as Persuasion does, so it was changed: ' + RESTORE),
])
def test_the_reader_refuses_a_text_that_is_not_the_book(data_copy, content, message):
    assert refusal(data_copy, content()) == message.format(path=data_copy / BOOK)


def test_a_quoted_line_is_cut_to_60_characters():
    assert datasets.quote_line("x" * 60) == "x" * 60
    assert datasets.quote_line("x" * 61) == "x" * 57 + "..."
    assert datasets.quote_line("ab" + "x" * 59, from_end=True) == "..." + "x" * 57


def test_a_shorter_novel_is_named_not_called_truncated(data_copy):
    northanger = (ROOT / "shared_data" / "text" / "northanger_abbey.txt").read_bytes()
    assert refusal(data_copy, northanger).endswith(
        'persuasion.txt holds Northanger Abbey, not Persuasion (which begins "Persuasion"): ' + RESTORE)


def test_git_keeps_shared_data_byte_for_byte():
    """.gitattributes unsets text for shared_data/, so no checkout converts its line endings."""
    assert (ROOT / ".gitattributes").exists()
    found = subprocess.run(["git", "check-attr", "text", "--", "shared_data/text/persuasion.txt",
                            "shared_data/MANIFEST.sha256", "shared_data/spec.json"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert found.splitlines() == [f"shared_data/{name}: text: unset"
                                  for name in ("text/persuasion.txt", "MANIFEST.sha256", "spec.json")]
    for path in sorted((ROOT / "shared_data" / "text").glob("*.txt")):
        assert b"\r" not in path.read_bytes(), f"{path} has a carriage return"
