"""Query words, Snowball stems and highlighting (depesche/sitesearch/german.py)."""

from __future__ import annotations

from depesche.sitesearch.german import MAX_TERMS, fold, highlight, query_terms, snippet, stem


def test_query_terms_keep_only_words():
    assert query_terms('"Truppen" AND (Abzug*) -Ost; DROP') == [
        "Truppen",
        "AND",
        "Abzug",
        "Ost",
        "DROP",
    ]
    assert query_terms("  ") == []
    assert len(query_terms(" ".join(["Wort"] * 50))) == MAX_TERMS


def test_stems_fold_inflections_umlauts_and_sharp_s():
    assert stem("Truppen") == stem("Truppe") == "trupp"
    assert stem("Häuser") == stem("Haus") == "haus"
    assert stem("Straße") == "strass"
    assert fold("Größe") == "grosse"


def test_highlight_escapes_and_marks_only_matches():
    html = highlight("<b>Truppen</b> & Truppenabzug", [stem("Truppe")])
    assert html == "&lt;b&gt;<mark>Truppen</mark>&lt;/b&gt; &amp; Truppenabzug"
    with_prefix = highlight("Truppenabzug", [stem("Truppe")], prefix=True)
    assert with_prefix == "<mark>Truppenabzug</mark>"


def test_snippet_centres_on_the_first_match():
    text = " ".join(["Vorrede"] * 80) + " die Truppe zieht ab. " + " ".join(["Nachsatz"] * 80)
    result = snippet(text, [stem("Truppen")], length=120)
    assert result.startswith("… ") and result.endswith(" …")
    assert "<mark>Truppe</mark>" in result
    assert len(result) < 160
    assert snippet("Kurz.", [stem("Truppe")]) == "Kurz."
