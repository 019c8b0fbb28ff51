"""The texts a reader is shown when consenting, and their versions (hashes) for the ledger."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from depesche.audience.models import NewsletterSettings, TextVersion
from depesche.core.text import html_to_text
from depesche.newsroom import selectors as newsroom
from depesche.newsroom.models import LegalPage

PRIVACY_WORD = "Datenschutzerklärung"


def text_version(kind: str, text: str) -> TextVersion:
    """The stored version of `text` (created the first time it is shown)."""
    sha = hashlib.sha256(text.encode()).hexdigest()
    version, _ = TextVersion.objects.get_or_create(kind=kind, sha256=sha, defaults={"text": text})
    return version


def legal_page(kind: str) -> LegalPage | None:
    return newsroom.legal_page(kind=kind)


def legal_text(page: LegalPage | None) -> str | None:
    """The published text of a legal page as plain text, or None if it is not live."""
    return html_to_text(page.body) if page else None


def linked_consent(text: str, privacy_url: str | None) -> SafeString:
    """The consent text with "Datenschutzerklärung" linked to the privacy page."""
    if not privacy_url or PRIVACY_WORD not in text:
        return escape(text)
    before, after = text.split(PRIVACY_WORD, 1)
    link = format_html('<a href="{}" target="_blank">{}</a>', privacy_url, PRIVACY_WORD)
    return mark_safe(escape(before) + link + escape(after))


@dataclass
class ShownTexts:
    """What one form shows; the ledger stores these versions with each consent."""

    consent: TextVersion
    consent_html: SafeString
    privacy: TextVersion | None
    terms: TextVersion | None
    terms_label: str
    settings: NewsletterSettings


CACHE_KEY = "audience:shown-texts:{follow}:{author}"
_FORMS = ((0, 0), (1, 0), (1, 1))  # the newsletter, following a tag, following an author


def shown_texts(*, follow: bool = False, author: bool = False) -> ShownTexts:
    """The consent text, Datenschutzerklärung and (if asked) AGB as shown right now.

    Cached because the dialog is on every page; `shown_texts_forget` runs whenever a legal
    page is (un)published or the newsletter texts are saved.
    """
    key = CACHE_KEY.format(follow=int(follow), author=int(follow and author))
    texts: ShownTexts | None = cache.get(key)
    if texts is None:
        texts = _load_shown_texts(follow=follow, author=author)
        cache.set(key, texts, timeout=None)
    return texts


def shown_texts_forget() -> None:
    cache.delete_many([CACHE_KEY.format(follow=f, author=a) for f, a in _FORMS])


def _load_shown_texts(*, follow: bool, author: bool) -> ShownTexts:
    settings = NewsletterSettings.load()
    if follow and author:
        consent = settings.author_follow_consent_text
    elif follow:
        consent = settings.follow_consent_text
    else:
        consent = settings.consent_text
    privacy_page = legal_page(LegalPage.Kind.PRIVACY)
    privacy = legal_text(privacy_page)
    terms = legal_text(legal_page(LegalPage.Kind.TERMS)) if settings.ask_terms else None
    return ShownTexts(
        consent=text_version(TextVersion.Kind.CONSENT, consent),
        consent_html=linked_consent(consent, privacy_page.url if privacy_page else None),
        privacy=text_version(TextVersion.Kind.PRIVACY, privacy) if privacy else None,
        terms=text_version(TextVersion.Kind.TERMS, terms) if terms else None,
        terms_label=settings.terms_text,
        settings=settings,
    )


def form_initial(texts: ShownTexts) -> dict[str, str]:
    """Hidden form fields naming the versions shown, so the ledger records what was seen."""
    return {
        "consent_version": texts.consent.sha256,
        "privacy_version": texts.privacy.sha256 if texts.privacy else "",
        "terms_version": texts.terms.sha256 if texts.terms else "",
    }


def version_by_hash(kind: str, sha: str, fallback: TextVersion | None) -> TextVersion | None:
    """The version a form says it showed, if it is a real one; else what is shown now."""
    if sha:
        found = TextVersion.objects.filter(kind=kind, sha256=sha).first()
        if found is not None:
            return found
    return fallback
