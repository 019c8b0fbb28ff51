"""core/etags.py: ETags made once, If-None-Match parsed by Django's parse_etags."""

from __future__ import annotations

import hashlib

import pytest
from django.test import RequestFactory

from depesche.core.etags import etag_of, if_none_match

ETAG = '"abc123"'


def request_with(header: str | None):
    headers = {} if header is None else {"HTTP_IF_NONE_MATCH": header}
    return RequestFactory().get("/", **headers)


def test_etag_of_is_a_quoted_strong_hash_of_the_body():
    etag = etag_of(b"<html>")
    assert etag == '"' + hashlib.sha256(b"<html>").hexdigest()[:32] + '"'
    assert etag_of(b"<html>") == etag != etag_of(b"<html >")


@pytest.mark.parametrize(
    "header",
    [
        '"abc123"',
        'W/"abc123"',  # a proxy that compressed the body weakened the tag
        '"other", "abc123"',
        '"other",W/"abc123"',
        '  "abc123" ,  "other"  ',
        "*",
        " * ",
    ],
)
def test_if_none_match_accepts_weak_tags_lists_and_star(header):
    assert if_none_match(request_with(header), ETAG)


@pytest.mark.parametrize(
    "header", [None, "", '"other"', '"other", W/"abc"', "abc123", '"abc123', '"abc1234"']
)
def test_if_none_match_refuses_other_and_malformed_tags(header):
    assert not if_none_match(request_with(header), ETAG)


def test_a_weak_etag_of_ours_matches_its_strong_form():
    assert if_none_match(request_with('"abc123"'), 'W/"abc123"')
