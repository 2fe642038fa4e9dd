"""Lexicon files: the shipped ones, the format rules, and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.counterfactual.lexicon import (
    LexiconError,
    load_lexicons,
    read_lexicon,
    resolve_lexicon,
    shipped_lexicons,
)


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_lexicons_cover_the_required_attributes():
    shipped = shipped_lexicons()
    assert {"gender", "names_gender", "names_ethnicity", "nationality", "age", "religion"} <= set(shipped)
    gender = read_lexicon(shipped["gender"])
    assert gender.values == ("female", "male") and gender.pair_count >= 50
    for name in ("names_gender", "names_ethnicity"):
        counts = read_lexicon(shipped[name]).term_counts()
        assert min(counts.values()) >= 20, counts
    assert len(read_lexicon(shipped["nationality"]).values) >= 5
    assert all(len(d) == 64 for d in gender.digests)


def test_shipped_lexicons_live_inside_the_package():
    # the wheel ships only auditkit/: the data files must sit under it
    import auditkit

    package = Path(auditkit.__file__).resolve().parent
    assert all(package in p.resolve().parents for p in shipped_lexicons().values())


def test_comments_blank_lines_quoting_and_an_omitted_context_cell(tmp_path):
    path = write(tmp_path, "x.csv", '# a comment\n\nfemale,male,context\n"Mary, Jr.",John\nher,his,before_noun\n')
    lex = read_lexicon(path)
    assert lex.values == ("female", "male")
    assert [r.terms for r in lex.rows] == [("Mary, Jr.", "John"), ("her", "his")]
    assert [r.context for r in lex.rows] == ["", "before_noun"]
    assert lex.rows[1].origin == "x.csv:5"


@pytest.mark.parametrize(("text", "message"), [
    ("female\tmale\nshe\the\nqueen\tking\textra\n",
     "x.tsv:3: 3 column(s), but the header (line 1) has 2 (female, male)"),
    ("female\tmale\nshe\n", "x.tsv:2: 1 column(s), but the header (line 1) has 2"),
    ("female\tfemale\nshe\the\n", "x.tsv:1: bad header"),
    ("female\nshe\n", "it names 1 value(s); a lexicon needs at least two"),
    ("context\tfemale\tmale\nx\tshe\the\n", "'context' must be the last column"),
    ("female\tmale\tcontext\nher\this\tpossessive\n", "x.tsv:2: context 'possessive' is not one of"),
    ("female\tmale\nshe\t\n", "x.tsv:2: a row needs terms for at least two values"),
    ("female\tmale\nshe\the\nhe\tshe\n", "x.tsv:3: term 'he' is listed under 'female', but x.tsv:2 lists it under"),
    ("# only a comment\n", "has no header line"),
    ("female\tmale\n", "has a header (line 1) but no rows"),
])
def test_malformed_files_name_the_file_and_line(tmp_path, text, message):
    with pytest.raises(LexiconError) as err:
        read_lexicon(write(tmp_path, "x.tsv", text))
    assert message in str(err.value)


def test_unknown_suffix_and_non_utf8(tmp_path):
    with pytest.raises(LexiconError, match=r"must end in \.tsv .* or \.csv"):
        read_lexicon(write(tmp_path, "x.txt", "a\tb\n"))
    bad = tmp_path / "y.tsv"
    bad.write_bytes(b"female\tmale\n\xff\xfe\the\n")
    with pytest.raises(LexiconError, match="is not UTF-8 text"):
        read_lexicon(bad)


def test_values_are_selected_and_a_missing_value_names_the_columns(tmp_path):
    lex = read_lexicon(shipped_lexicons()["names_ethnicity"])
    sub = lex.select(["hispanic", "european_american"], attribute="ethnicity")
    assert sub.values == ("hispanic", "european_american") and sub.rows[0].terms == ("Maria", "Amanda")
    with pytest.raises(LexiconError) as err:
        lex.select(["hispanic", "martian"], attribute="ethnicity")
    assert "value(s) 'martian' of attribute 'ethnicity' are not columns of lexicon" in str(err.value)
    assert "european_american, african_american, hispanic, east_asian" in str(err.value)


def test_policy_lexicons_resolve_by_name_or_relative_path_and_merge(tmp_path):
    write(tmp_path, "mine.tsv", "male\tfemale\nchairman\tchairperson\n")
    lex = load_lexicons(["gender", "mine.tsv"], [], attribute="g", base_dir=tmp_path)
    assert lex.values == ("female", "male")  # the user's columns are reordered to the attribute's values
    assert lex.rows[-1].terms == ("chairperson", "chairman")
    assert lex.files == ("shipped gender.tsv", "mine.tsv")
    with pytest.raises(LexiconError, match=r"neither a shipped lexicon .* nor an existing file"):
        resolve_lexicon("missing.tsv", base_dir=tmp_path)
    with pytest.raises(LexiconError, match="has no lexicon"):
        load_lexicons([], ["female", "male"], attribute="g", base_dir=tmp_path)


def test_a_term_claimed_by_two_values_across_files_is_an_error(tmp_path):
    write(tmp_path, "clash.tsv", "female\tmale\nhe\tshe\n")
    with pytest.raises(LexiconError, match=r"clash.tsv:2: term 'he' is listed under 'female', but gender.tsv:\d+"):
        load_lexicons(["gender", "clash.tsv"], ["female", "male"], attribute="g", base_dir=tmp_path)
