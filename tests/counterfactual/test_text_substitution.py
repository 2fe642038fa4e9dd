"""Lexicon substitution: case, possessives, pronoun case, multi-word names, a/an, overlaps, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.counterfactual.lexicon import read_lexicon, shipped_lexicons
from auditkit.counterfactual.text import (
    Substituter,
    indefinite_article,
    match_case,
    starts_noun_phrase,
    text_variants,
)

FEMALE, MALE = 0, 1


@pytest.fixture(scope="module")
def gender() -> Substituter:
    return Substituter(read_lexicon(shipped_lexicons()["gender"]))


def shipped(name: str, values: list[str] | None = None) -> Substituter:
    lex = read_lexicon(shipped_lexicons()[name])
    return Substituter(lex.select(values, attribute=name) if values else lex)


def custom(tmp: Path, text: str) -> Substituter:
    path = tmp / "custom.tsv"
    path.write_text(text)
    return Substituter(read_lexicon(path))


@pytest.mark.parametrize(("text", "expected"), [
    ("she is here", "he is here"),
    ("She is here", "He is here"),
    ("SHE IS HERE", "HE IS HERE"),
    ("Ask the Woman.", "Ask the Man."),
    ("Ms. Lee and Mrs. Kim", "Mr. Lee and Mr. Kim"),
])
def test_case_is_preserved(gender, text, expected):
    assert gender.substitute(text, FEMALE, MALE).text == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("her book is on her desk", "his book is on his desk"),  # possessive determiner
    ("I told her. I told her that", "I told him. I told him that"),  # object case
    ("her own car", "his own car"),
    ("the car is hers", "the car is his"),
    ("the woman's job and the women's team", "the man's job and the men's team"),  # possessive 's kept
    ("she did it herself", "he did it himself"),
])
def test_possessives_and_pronoun_case_female_to_male(gender, text, expected):
    assert gender.substitute(text, FEMALE, MALE).text == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("his book", "her book"),
    ("the book is his.", "the book is hers."),
    ("we met him there", "we met her there"),
])
def test_pronoun_case_male_to_female(gender, text, expected):
    assert gender.substitute(text, MALE, FEMALE).text == expected


def test_mentions_of_the_target_value_are_swapped_back(gender):
    out = gender.substitute("she told him about her plan", FEMALE, MALE)
    assert out.text == "he told her about his plan"
    assert out.pairs == (("she", "he"), ("him", "her"), ("her", "his"))


def test_multi_word_names_match_before_their_parts_and_every_mention_changes():
    names = shipped("names_gender")
    out = names.substitute("Mary Ann met Mary. Mary's dog likes Mary Ann's cat.", FEMALE, MALE)
    assert out.text == "John Paul met John. John's dog likes John Paul's cat."
    assert names.substitute("Mary  Ann", FEMALE, MALE).text == "John Paul"  # inner whitespace is flexible


def test_capitalised_terms_only_match_capitalised_text():
    nationality = shipped("nationality", ["chinese", "german"])
    assert nationality.substitute("fine china from China", 0, 1).text == "fine china from Germany"
    assert nationality.mention_counts("fine china").sum() == 0


@pytest.mark.parametrize(("text", "source", "target", "expected"), [
    ("an Italian engineer", "italian", "german", "a German engineer"),
    ("A German engineer", "german", "italian", "An Italian engineer"),
    ("AN ITALIAN", "italian", "german", "A GERMAN"),
    ("a Germany-based firm", "german", "italian", "a Germany-based firm"),  # hyphenated compound: not a match
])
def test_indefinite_article_agrees_with_the_new_term(text, source, target, expected):
    sub = shipped("nationality", [source, target])
    assert sub.substitute(text, 0, 1).text == expected


def test_article_agreement_for_ages_and_adjectives():
    age = shipped("age")
    assert age.substitute("a young applicant, a 25-year-old", 0, 1).text == "an old applicant, a 70-year-old"
    assert age.substitute("an 81-year-old", 1, 0).text == "a 21-year-old"
    assert age.substitute("an unusual young man", 0, 1).text == "an unusual old man"  # article not adjacent


def test_overlapping_entries_longest_first_and_whole_words(gender, tmp_path):
    assert gender.substitute("her mother-in-law", FEMALE, MALE).text == "his father-in-law"
    assert gender.substitute("a grandmother, a stepmother", FEMALE, MALE).text == "a grandfather, a stepfather"
    assert gender.substitute("Mrs. Smith, Mrs Jones", FEMALE, MALE).text == "Mr. Smith, Mr Jones"
    assert gender.substitute("she-wolf shepherd ashes", FEMALE, MALE).text == "she-wolf shepherd ashes"
    sub = custom(tmp_path, "female\tmale\nAnn\tPaul\nAnn Marie\tJean Luc\nMarie\tLuc\n")
    assert sub.substitute("Ann Marie, Marie Ann, Ann", 0, 1).text == "Jean Luc, Luc Paul, Paul"


def test_first_row_is_canonical_unless_contexts_differ(gender):
    # Mr. is listed for Ms. (first) and Mrs.: male -> female goes through the first row
    assert gender.substitute("Mr. Smith", MALE, FEMALE).text == "Ms. Smith"


def test_helpers():
    assert [indefinite_article(w) for w in ("hour", "European", "umbrella", "8-year-old", "11-year-old",
                                            "university", "apple", "Ukrainian", "Uzbek")] == \
        ["an", "a", "an", "an", "an", "a", "an", "a", "an"]
    assert match_case("SHE", "he") == "HE" and match_case("She", "he") == "He" and match_case("she", "he") == "he"
    assert starts_noun_phrase("her book", 3) and not starts_noun_phrase("her.", 3)
    assert not starts_noun_phrase("her to", 3) and not starts_noun_phrase("her", 3)


def test_variants_coverage_and_exclusions(gender):
    texts = [
        "She is a nurse.",  # female -> 1 variant
        "He is a doctor and his team likes him.",  # male
        "The report was filed.",  # nothing to substitute
        "She told him.",  # one mention each: source unclear
        "Her feminism essay.",  # excluded term
    ]
    v = text_variants(texts, gender, exclude_terms=["feminism"])
    assert list(v.example) == [0, 1] and list(v.source) == [0, 1] and list(v.target) == [1, 0]
    assert v.texts == ["He is a nurse.", "She is a doctor and her team likes her."]
    assert v.coverage == pytest.approx(2 / 5)
    assert v.exclusions == {
        "no lexicon term in the text": [2],
        "mentions female and male equally often (source value unclear)": [3],
        "contains the excluded term 'feminism'": [4],
    }


def test_k_values_give_k_minus_one_variants_and_missing_counterparts_are_excluded(tmp_path):
    names = shipped("names_ethnicity")
    v = text_variants(["Amanda met Adam."], names)
    assert sorted(v.target.tolist()) == [1, 2, 3] and v.texts[0] == "Ebony met Alonzo."
    sub = custom(tmp_path, "a\tb\tc\nchurch\tmosque\t\n")
    v = text_variants(["the church"], sub)
    assert v.texts == ["the mosque"]
    assert v.exclusions == {"no c counterpart for 'church'": [(0, 2)]}
