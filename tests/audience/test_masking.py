"""Addresses masked for admin users without "Leserdaten exportieren" (audience/masking.py)."""

from __future__ import annotations

from depesche.audience.masking import email_masked, emails_masked_in


def test_an_address_keeps_its_first_letter_and_domain():
    assert email_masked("anna@example.org") == "a…@example.org"
    assert email_masked("kein-at") == "…"


def test_every_address_in_a_mail_servers_answer_is_masked():
    text = (
        "550 5.1.1 <jürgen.müller+depesche@straße.example.de>: Recipient address rejected; "
        "forwarded to ben_2@example.org"
    )
    assert emails_masked_in(text) == (
        "550 5.1.1 <j…@straße.example.de>: Recipient address rejected; forwarded to b…@example.org"
    )
    assert emails_masked_in("421 4.3.2 too many connections") == "421 4.3.2 too many connections"
