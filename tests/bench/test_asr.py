"""The listener's arithmetic: normalisation and error rates (no recogniser runs here)."""

from __future__ import annotations

import pytest

from depesche.bench.asr import RecogniserError, check_model_dir, error_rates, normalise


def test_numbers_are_words_the_way_the_script_says_them():
    # Whisper writes digits as a newspaper does; the script has them in words.
    heard = "Die EZB hat am 6. Januar 2022 den Zins um 0,25 Prozentpunkte gesenkt."
    spoken = (
        "Die E-Zett-Be hat am sechsten Januar zweitausendzweiundzwanzig den Zins um null "
        "Komma zwei fünf Prozentpunkte gesenkt."
    )
    expected = (
        "die e zett be hat am sechsten januar zweitausendzweiundzwanzig den zins um null "
        "komma zwei fünf prozentpunkte gesenkt"
    )
    assert normalise(heard) == normalise(spoken) == expected


def test_digits_no_rule_knows_become_cardinal_words():
    assert normalise("Der DAX stieg auf 21.480 Punkte.") == (
        "der dax stieg auf einundzwanzigtausendvierhundertachtzig punkte"
    )
    # Digits inside a word are left by the newsreader rules; they still become words.
    assert normalise("Stau auf der A7") == "stau auf der a sieben"


def test_punctuation_goes_and_case_folds():
    assert normalise("„Ja!“, sagte sie – (leise)…  Und dann?") == "ja sagte sie leise und dann"
    assert normalise("NATO-Gipfel\nin BERLIN") == normalise("Nato Gipfel in Berlin")
    assert normalise("") == ""


def test_identical_texts_have_no_errors():
    rates = error_rates("Am 3. Oktober.", "am dritten Oktober")
    assert (rates.cer, rates.wer) == (0.0, 0.0)


def test_error_rates_count_edits_against_the_reference_length():
    rates = error_rates("der zins sinkt", "der sinn sinkt")
    # "der zins sinkt" has 14 characters (spaces count); "zins" → "sinn" is 2 substitutions.
    assert rates.cer == pytest.approx(2 / 14)
    assert rates.wer == pytest.approx(1 / 3)


def test_a_compound_heard_as_two_words_costs_little_in_characters():
    rates = error_rates("Die Prozentpunkte steigen", "die Prozent Punkte steigen")
    assert rates.wer == pytest.approx(2 / 3)  # one substituted, one inserted
    assert rates.cer == pytest.approx(1 / len("die prozentpunkte steigen"))


def test_nothing_heard_is_every_word_missed():
    rates = error_rates("eins zwei drei", "")
    assert (rates.cer, rates.wer) == (1.0, 1.0)


def test_an_empty_reference_is_refused():
    with pytest.raises(ValueError, match="no words"):
        error_rates(" … ", "etwas")


def test_a_model_folder_needs_the_model_and_its_config(tmp_path):
    with pytest.raises(RecogniserError, match="no such folder"):
        check_model_dir(tmp_path / "missing")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(RecogniserError, match="missing model.bin"):
        check_model_dir(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"\0")
    check_model_dir(tmp_path)


def test_a_number_written_in_parts_is_the_number_heard():
    # The Pico profile writes "viertausend einhundert"; Whisper writes "4.100".
    assert normalise("rund viertausend einhundert Plätze") == normalise("rund 4.100 Plätze")
    assert normalise("neun hundert Millionen") == "neunhundert millionen"
    assert normalise("achtundsechzigtausend neun hundert") == "achtundsechzigtausendneunhundert"
    # Numbers side by side stay apart where no part ends or starts with hundert or tausend.
    assert normalise("drei bis fünf, null Komma zwei fünf") == "drei bis fünf null komma zwei fünf"
    assert normalise("hundert Jahre") == "hundert jahre"
