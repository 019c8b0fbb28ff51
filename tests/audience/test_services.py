import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from depesche.audience import tasks
from depesche.audience.models import (
    AuthorFollow,
    ConsentRecord,
    NewsletterSettings,
    OptInRequest,
    Subscriber,
    Subscription,
    SuppressedAddress,
    TagFollow,
    TextVersion,
)
from depesche.audience.services import (
    ConsentMissing,
    NotConfirmed,
    OptInAlreadyUsed,
    address_hash,
    follow_end,
    follow_frequency_set,
    follow_tag,
    list_unsubscribe,
    optin_confirm,
    optins_purge_unconfirmed,
    subscriber_erase,
    subscriber_export,
    unsubscribe_all,
    weekly_set,
)
from depesche.audience.texts import shown_texts
from depesche.core.text import html_to_text
from depesche.core.tokens import TokenExpired, TokenInvalid, make_token, read_token
from depesche.newsroom.models import Author, LegalPage
from tests.support.audience import (
    CONFIRM_VISIT,
    PREFS_VISIT,
    confirmed,
    ledger,
    signup,
    token_for,
)
from tests.support.signing import backdate_signing

CONFIRM_LINK = re.compile(r"http://testserver/newsletter/bestaetigen/([^/\s\"<]+)/")


# --- sign-up ---------------------------------------------------------------------------------


def test_signup_without_consent_writes_nothing(texts, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ConsentMissing),
    ):
        signup(texts, consent=False)
    assert callbacks == []
    assert not Subscriber.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert not OptInRequest.objects.exists()


def test_signup_records_consent_and_sends_one_confirmation(
    texts, smtp_mails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts, " Leserin@Example.ORG ")

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "leserin@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert not subscriber.subscriptions.exists()

    record = ConsentRecord.objects.get()
    assert record.subscriber == subscriber
    assert record.email == "leserin@example.org"
    assert record.action == ConsentRecord.Action.CONSENT
    assert record.purpose == "wochenrueckblick"
    assert record.consent_text == texts.consent
    assert record.consent_text.kind == TextVersion.Kind.CONSENT
    assert record.consent_text.text == NewsletterSettings.load().consent_text
    assert record.privacy_text == texts.privacy
    assert record.privacy_text.kind == TextVersion.Kind.PRIVACY
    assert record.terms_text is None
    assert record.ip_truncated == "203.0.113.0"
    assert record.user_agent == "Mozilla/5.0 A"
    assert record.source == "modal"

    optin = OptInRequest.objects.get()
    assert optin.subscriber == subscriber
    assert optin.nonce == record.request_nonce
    assert re.fullmatch(r"[0-9a-f]{32}", optin.nonce)
    assert optin.weekly is True and optin.tag is None
    assert optin.source == "modal"
    assert optin.mailed_at is not None and optin.used_at is None

    mails = smtp_mails.all()
    assert len(mails) == 1
    assert mails[0].to == "leserin@example.org"
    token = CONFIRM_LINK.search(mails[0].body()).group(1)
    assert read_token("optin", token) == optin.nonce


def test_signup_stores_the_terms_version_when_asked(site_tree):
    settings_row = NewsletterSettings.load()
    settings_row.ask_terms = True
    settings_row.save()
    texts = shown_texts()
    assert texts.terms is not None and texts.terms.kind == TextVersion.Kind.TERMS
    assert texts.terms.text == html_to_text(LegalPage.objects.get(kind="agb").body)
    signup(texts)
    assert ConsentRecord.objects.get().terms_text == texts.terms


def test_signup_for_a_tag_records_its_purpose_and_frequency(follow_texts, energie):
    signup(follow_texts, weekly=False, tag=energie, frequency=TagFollow.Frequency.DAILY)
    record = ConsentRecord.objects.get()
    assert record.purpose == "thema:energie"
    assert record.consent_text.text == NewsletterSettings.load().follow_consent_text
    optin = OptInRequest.objects.get()
    assert optin.tag == energie and optin.weekly is False
    assert optin.frequency == TagFollow.Frequency.DAILY
    assert not TagFollow.objects.exists()  # nothing before the confirmation


def test_spellings_of_one_address_are_one_reader(texts):
    signup(texts, "Leserin@Example.org")
    signup(texts, "  leserin@example.ORG\t")
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["leserin@example.org"]


def test_pending_address_gets_a_new_confirmation(
    texts, smtp_mails, django_capture_on_commit_callbacks
):
    signup(texts)
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert OptInRequest.objects.count() == 2
    assert ledger() == [("consent", "wochenrueckblick")] * 2
    mails = smtp_mails.all()
    assert len(mails) == 1
    newest = OptInRequest.objects.latest("pk")
    assert read_token("optin", CONFIRM_LINK.search(mails[0].body()).group(1)) == newest.nonce


def test_active_reader_gets_a_note_instead_of_a_confirmation(
    texts, smtp_mails, django_capture_on_commit_callbacks
):
    subscriber = confirmed(texts)
    rows_before = ledger()
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    assert ledger() == rows_before
    assert OptInRequest.objects.count() == 1
    mails = smtp_mails.all()
    assert len(mails) == 1
    note = mails[0]
    assert "bereits angemeldet" in note.subject
    assert CONFIRM_LINK.search(note.body()) is None
    assert "http://testserver/abo/link/" in note.body()
    assert note.message["List-Unsubscribe"] is None
    subscriber.refresh_from_db()
    assert subscriber.noted_at is not None

    # Same day: nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signup(texts)
    assert callbacks == []
    assert len(smtp_mails.all()) == 1

    # A day later the note may go out again.
    Subscriber.objects.filter(pk=subscriber.pk).update(
        noted_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    assert len(smtp_mails.all()) == 2
    assert ledger() == rows_before


def test_active_reader_asking_for_something_new_gets_a_confirmation(
    texts, energie, smtp_mails, django_capture_on_commit_callbacks
):
    confirmed(texts)
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts, weekly=False, tag=energie)
    mails = smtp_mails.all()
    assert len(mails) == 1
    assert CONFIRM_LINK.search(mails[0].body())
    assert "Energie" in mails[0].body()
    assert ledger()[-1] == ("consent", "thema:energie")


def test_unsubscribed_reader_can_sign_up_again(texts, django_capture_on_commit_callbacks):
    subscriber = confirmed(texts)
    first_confirmed_at = subscriber.confirmed_at
    unsubscribe_all(subscriber=subscriber, visit=PREFS_VISIT)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signup(texts)
    assert len(callbacks) == 1
    optin = OptInRequest.objects.latest("pk")
    subscriber = optin_confirm(token=token_for(optin), visit=CONFIRM_VISIT)
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.unsubscribed_at is None
    assert subscriber.confirmed_at == first_confirmed_at
    assert subscriber.subscriptions.get().active


@pytest.mark.parametrize(
    "status", [Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED, Subscriber.Status.ERASED]
)
def test_suppressed_status_gets_nothing(texts, status, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="leserin@example.org", status=status)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signup(texts)
    assert callbacks == []
    assert not ConsentRecord.objects.exists()
    assert not OptInRequest.objects.exists()
    assert Subscriber.objects.get().status == status


@pytest.mark.parametrize(
    "spelling", ["leserin@example.org", "LESERIN@example.org", "  Leserin@Example.Org \n"]
)
def test_erased_address_gets_nothing_in_any_spelling(
    texts, spelling, smtp_mails, django_capture_on_commit_callbacks
):
    subscriber_erase(subscriber=confirmed(texts))
    rows = ConsentRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signup(texts, spelling)
    assert callbacks == []
    assert smtp_mails.all() == []
    assert not Subscriber.objects.exists()
    assert ConsentRecord.objects.count() == rows
    assert not OptInRequest.objects.exists()


# --- confirmation ----------------------------------------------------------------------------


def test_confirm_activates_the_weekly_and_records_the_confirmation(texts):
    signup(texts)
    consent = ConsentRecord.objects.get()
    optin = OptInRequest.objects.get()
    before = timezone.now()
    subscriber = optin_confirm(token=token_for(optin), visit=CONFIRM_VISIT)

    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert before <= subscriber.confirmed_at <= timezone.now()
    subscription = subscriber.subscriptions.get()
    assert subscription.purpose == "wochenrueckblick"
    assert subscription.active and subscription.confirmed_at == subscriber.confirmed_at
    assert subscription.ended_at is None
    optin.refresh_from_db()
    assert optin.used_at == subscriber.confirmed_at

    confirmation = ConsentRecord.objects.get(action=ConsentRecord.Action.CONFIRMATION)
    assert confirmation.subscriber == subscriber
    assert confirmation.purpose == "wochenrueckblick"
    assert confirmation.request_nonce == consent.request_nonce == optin.nonce
    assert confirmation.consent_text_id == consent.consent_text_id
    assert confirmation.privacy_text_id == consent.privacy_text_id
    assert confirmation.terms_text_id == consent.terms_text_id
    assert confirmation.source == "bestaetigung"
    assert confirmation.ip_truncated == "2001:db8:1::"
    assert confirmation.user_agent == "B/1"
    assert not subscriber.follows.exists()


@pytest.mark.parametrize("frequency", TagFollow.Frequency.values)
def test_confirm_a_tag_follow_with_its_frequency(
    follow_texts, energie, frequency, django_capture_on_commit_callbacks
):
    signup(follow_texts, weekly=False, tag=energie, frequency=frequency)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        subscriber = optin_confirm(token=token_for(OptInRequest.objects.get()), visit=CONFIRM_VISIT)
    assert callbacks == []  # the welcome mail is the Wochenrückblick's
    follow = subscriber.follows.get()
    assert follow.tag == energie and follow.active
    assert follow.frequency == frequency
    assert follow.confirmed_at is not None
    assert not subscriber.subscriptions.exists()
    assert ledger() == [("consent", "thema:energie"), ("confirmation", "thema:energie")]


def test_confirm_link_expires_after_72_hours(texts, monkeypatch):
    signup(texts)
    optin = OptInRequest.objects.get()
    backdate_signing(monkeypatch, 72 * 3600 + 60)
    token = token_for(optin)
    with pytest.raises(TokenExpired):
        optin_confirm(token=token, visit=CONFIRM_VISIT)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert OptInRequest.objects.get().used_at is None
    assert ledger() == [("consent", "wochenrueckblick")]


def test_confirm_link_is_good_just_before_72_hours(texts, monkeypatch):
    signup(texts)
    backdate_signing(monkeypatch, 71 * 3600)
    token = token_for(OptInRequest.objects.get())
    assert optin_confirm(token=token, visit=CONFIRM_VISIT).status == Subscriber.Status.ACTIVE


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],
        lambda t: t[:-3] + ("abc" if not t.endswith("abc") else "xyz"),
        lambda t: make_token("prefs", read_token("optin", t)),  # a token for another purpose
        lambda t: make_token("optin", "0" * 32),  # genuine, but no such request
    ],
)
def test_tampered_or_unknown_confirm_token_is_invalid(texts, mangle):
    signup(texts)
    token = mangle(token_for(OptInRequest.objects.get()))
    with pytest.raises(TokenInvalid) as caught:
        optin_confirm(token=token, visit=CONFIRM_VISIT)
    assert not isinstance(caught.value, TokenExpired)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert ConsentRecord.objects.count() == 1


def test_confirm_link_works_once(texts):
    signup(texts)
    token = token_for(OptInRequest.objects.get())
    optin_confirm(token=token, visit=CONFIRM_VISIT)
    with pytest.raises(OptInAlreadyUsed):
        optin_confirm(token=token, visit=CONFIRM_VISIT)
    assert ConsentRecord.objects.filter(action="confirmation").count() == 1


def test_confirm_for_a_bounced_address_is_refused(texts):
    signup(texts)
    Subscriber.objects.update(status=Subscriber.Status.BOUNCED)
    with pytest.raises(TokenInvalid):
        optin_confirm(token=token_for(OptInRequest.objects.get()), visit=CONFIRM_VISIT)
    assert Subscriber.objects.get().status == Subscriber.Status.BOUNCED
    assert not Subscription.objects.exists()


# --- mails -----------------------------------------------------------------------------------


def test_confirmation_mail_is_german_with_text_and_html(
    texts, smtp_mails, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    mail = smtp_mails.all()[0]
    assert mail.subject == "Bitte bestätigen Sie Ihre Anmeldung bei Depesche"
    assert settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">") in str(mail.message["From"])
    text, html = mail.body("plain"), mail.body("html")
    assert text and html
    for body in (text, html):
        assert "Guten Tag" in body
        assert "Wochenrückblick" in body
        assert "72 Stunden" in body
    assert '<html lang="de">' in html
    text_link = CONFIRM_LINK.search(text).group(0)
    assert f'href="{text_link}"' in html
    # A confirmation is transactional: no unsubscribe header.
    assert mail.message["List-Unsubscribe"] is None
    assert mail.message["List-Unsubscribe-Post"] is None
    # The link in the mail confirms.
    token = CONFIRM_LINK.search(text).group(1)
    assert optin_confirm(token=token, visit=CONFIRM_VISIT).status == Subscriber.Status.ACTIVE


def test_confirmation_mail_for_a_tag_names_it_and_the_frequency(
    follow_texts, energie, smtp_mails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(follow_texts, weekly=False, tag=energie, frequency=TagFollow.Frequency.DAILY)
    text = smtp_mails.all()[0].body()
    assert "„Energie“" in text
    assert "täglich" in text
    assert "Wochenrückblick" not in text


@pytest.mark.parametrize("mailto", ["abmelden@depesche.invalid", ""], ids=["inbound", "smtp"])
def test_welcome_mail_after_confirming_carries_one_click_unsubscribe(
    texts, smtp_mails, django_capture_on_commit_callbacks, settings, mailto
):
    # settings.UNSUBSCRIBE_MAILTO is set only with an email service's inbound webhook; plain
    # SMTP has no way to receive that mail, so List-Unsubscribe offers the https link alone.
    settings.UNSUBSCRIBE_MAILTO = mailto
    signup(texts)
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = optin_confirm(token=token_for(OptInRequest.objects.get()), visit=CONFIRM_VISIT)
    mails = smtp_mails.all()
    assert len(mails) == 1
    welcome = mails[0]
    assert welcome.subject == "Willkommen beim Wochenrückblick von Depesche"
    assert welcome.body("html") and "Wochenrückblick" in welcome.body("plain")
    assert welcome.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = " ".join(str(welcome.message["List-Unsubscribe"]).split())
    expected = {"p": subscriber.public_id, "l": "wochenrueckblick"}
    if not mailto:
        assert "mailto:" not in header
        header += ", <mailto:none>"
    url, mailto_url = re.fullmatch(r"<([^>]+)>,\s*<([^>]+)>", header).groups()
    match = re.fullmatch(r"http://testserver/abo/abmelden/([^/]+)/", url)
    assert match, url
    assert read_token("unsubscribe", match.group(1)) == expected
    if mailto:
        assert mailto_url.startswith("mailto:abmelden@depesche.invalid?subject=")
        subject = unquote(mailto_url.split("?subject=", 1)[1])
        assert subject.startswith("unsubscribe ")
        assert read_token("unsubscribe", subject.removeprefix("unsubscribe ")) == expected
    assert url in welcome.body("plain")


def test_optin_mail_task_sends_once(texts, smtp_mails):
    signup(texts)  # callbacks not run: the task has not been enqueued yet
    optin = OptInRequest.objects.get()
    first = tasks.optin_mail_send_task.enqueue(optin_id=optin.pk)
    second = tasks.optin_mail_send_task.enqueue(optin_id=optin.pk)
    assert first.status == "SUCCESSFUL" and first.return_value is True
    assert second.status == "SUCCESSFUL" and second.return_value is False
    assert len(smtp_mails.all()) == 1


def test_optin_mail_task_skips_used_missing_and_suppressed(texts, smtp_mails):
    signup(texts, "a@example.org")
    signup(texts, "b@example.org")
    used, bounced = OptInRequest.objects.order_by("pk")
    optin_confirm(token=token_for(used), visit=CONFIRM_VISIT)
    Subscriber.objects.filter(pk=bounced.subscriber_id).update(status="bounced")
    for optin_id in (used.pk, bounced.pk, 999_999):
        result = tasks.optin_mail_send_task.enqueue(optin_id=optin_id)
        assert result.status == "SUCCESSFUL" and result.return_value is False
    assert smtp_mails.all() == []


def test_welcome_task_needs_an_active_weekly(texts, smtp_mails):
    subscriber = confirmed(texts)
    weekly_set(subscriber=subscriber, on=False, visit=PREFS_VISIT)
    result = tasks.welcome_mail_send_task.enqueue(subscriber_id=subscriber.pk)
    assert result.return_value is False
    assert smtp_mails.all() == []


# --- consent texts ---------------------------------------------------------------------------


def privacy_page() -> LegalPage:
    return LegalPage.objects.get(kind=LegalPage.Kind.PRIVACY)


def republish(page: LegalPage, body: str) -> None:
    page.body = body
    page.save_revision().publish()


def test_new_privacy_policy_is_a_new_version_and_old_consents_keep_theirs(texts):
    signup(texts, "alt@example.org")
    republish(privacy_page(), "<p>Neue Fassung der Datenschutzerklärung vom Mai.</p>")

    new = shown_texts()
    assert new.privacy.pk != texts.privacy.pk
    assert new.privacy.text == "Neue Fassung der Datenschutzerklärung vom Mai."
    assert new.consent.pk == texts.consent.pk
    signup(new, "neu@example.org")

    old_row = ConsentRecord.objects.get(email="alt@example.org")
    new_row = ConsentRecord.objects.get(email="neu@example.org")
    assert old_row.privacy_text == texts.privacy
    assert new_row.privacy_text == new.privacy
    assert TextVersion.objects.get(pk=texts.privacy.pk).text == texts.privacy.text

    # Publishing the same text again adds no version.
    republish(privacy_page(), "<p>Neue Fassung der Datenschutzerklärung vom Mai.</p>")
    assert shown_texts().privacy.pk == new.privacy.pk
    assert TextVersion.objects.filter(kind="privacy").count() == 2


def test_shown_texts_are_cached_until_a_legal_page_is_published(texts, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert shown_texts().privacy.pk == texts.privacy.pk
    # A change that bypasses publishing is not seen: the cache answers.
    LegalPage.objects.filter(kind=LegalPage.Kind.PRIVACY).update(body="<p>Heimlich.</p>")
    assert shown_texts().privacy.pk == texts.privacy.pk
    republish(privacy_page(), "<p>Veröffentlicht.</p>")
    assert shown_texts().privacy.text == "Veröffentlicht."


def test_shown_texts_forget_an_unpublished_privacy_page(texts):
    assert texts.privacy is not None
    shown_texts(follow=True)
    privacy_page().unpublish()
    assert shown_texts().privacy is None
    assert shown_texts(follow=True).privacy is None


def test_saving_the_newsletter_texts_invalidates_both_forms(texts, follow_texts):
    row = NewsletterSettings.load()
    row.consent_text = "Ja, bitte. Datenschutzerklärung gelesen."
    row.follow_consent_text = "Ja, zu diesem Thema."
    row.save()
    assert shown_texts().consent.text == "Ja, bitte. Datenschutzerklärung gelesen."
    assert shown_texts().consent.pk != texts.consent.pk
    assert shown_texts(follow=True).consent.text == "Ja, zu diesem Thema."
    assert 'href="/datenschutz/"' in shown_texts().consent_html


# --- follows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "unsubscribed"])
def test_follow_needs_a_confirmed_address(follow_texts, energie, status):
    subscriber = Subscriber.objects.create(email="a@example.org", status=status)
    with pytest.raises(NotConfirmed):
        follow_tag(
            subscriber=subscriber,
            tag=energie,
            consent_text=follow_texts.consent,
            privacy_text=follow_texts.privacy,
            visit=PREFS_VISIT,
        )
    assert not TagFollow.objects.exists()
    assert not ConsentRecord.objects.exists()


def follow(subscriber, tag, texts, **kwargs) -> TagFollow:
    return follow_tag(
        subscriber=subscriber,
        tag=tag,
        consent_text=texts.consent,
        privacy_text=texts.privacy,
        visit=PREFS_VISIT,
        **kwargs,
    )


def test_follow_records_consent_only_when_it_starts(texts, follow_texts, energie):
    subscriber = confirmed(texts)
    first = follow(subscriber, energie, follow_texts, frequency=TagFollow.Frequency.WEEKLY)
    assert first.active and first.frequency == TagFollow.Frequency.WEEKLY
    again = follow(subscriber, energie, follow_texts)
    assert again.pk == first.pk
    rows = ConsentRecord.objects.filter(purpose="thema:energie")
    assert rows.count() == 1
    row = rows.get()
    assert row.action == "consent"
    assert row.consent_text == follow_texts.consent
    assert row.privacy_text == follow_texts.privacy
    assert row.source == "einstellungen" and row.ip_truncated == "198.51.100.0"


def test_follow_reactivates_an_inactive_follow_with_a_record(texts, follow_texts, energie):
    subscriber = confirmed(texts)
    old = TagFollow.objects.create(subscriber=subscriber, tag=energie, active=False)
    renewed = follow(subscriber, energie, follow_texts)
    assert renewed.pk == old.pk
    renewed.refresh_from_db()
    assert renewed.active and renewed.confirmed_at is not None
    assert ledger(subscriber)[-1] == ("consent", "thema:energie")
    assert ConsentRecord.objects.filter(purpose="thema:energie").count() == 1


def test_frequency_change(texts, follow_texts, energie):
    subscriber = confirmed(texts)
    own = follow(subscriber, energie, follow_texts)
    changed = follow_frequency_set(
        subscriber=subscriber, follow_id=own.pk, frequency=TagFollow.Frequency.DAILY
    )
    assert changed.frequency == TagFollow.Frequency.DAILY
    assert TagFollow.objects.get(pk=own.pk).frequency == TagFollow.Frequency.DAILY


def test_frequency_change_rejects_unknown_values(texts, follow_texts, energie):
    subscriber = confirmed(texts)
    own = follow(subscriber, energie, follow_texts)
    with pytest.raises(ValueError):
        follow_frequency_set(subscriber=subscriber, follow_id=own.pk, frequency="stündlich")
    assert TagFollow.objects.get(pk=own.pk).frequency == TagFollow.Frequency.INSTANT


def test_frequency_change_of_another_readers_follow_is_refused(texts, follow_texts, energie):
    owner = confirmed(texts, "a@example.org")
    intruder = confirmed(texts, "b@example.org")
    theirs = follow(owner, energie, follow_texts)
    with pytest.raises(TagFollow.DoesNotExist):
        follow_frequency_set(
            subscriber=intruder, follow_id=theirs.pk, frequency=TagFollow.Frequency.DAILY
        )
    assert TagFollow.objects.get(pk=theirs.pk).frequency == TagFollow.Frequency.INSTANT


def test_follow_end_records_a_withdrawal_once(texts, follow_texts, energie, klima):
    subscriber = confirmed(texts)
    follow(subscriber, energie, follow_texts)
    follow(subscriber, klima, follow_texts)
    assert follow_end(subscriber=subscriber, tag=energie, visit=PREFS_VISIT) is True
    assert list(subscriber.follows.values_list("tag__slug", flat=True)) == ["klima"]
    assert ledger(subscriber)[-1] == ("withdrawal", "thema:energie")
    assert follow_end(subscriber=subscriber, tag=energie, visit=PREFS_VISIT) is False
    assert ConsentRecord.objects.filter(action="withdrawal").count() == 1


# --- Wochenrückblick on/off, unsubscribing ---------------------------------------------------


def test_weekly_off_and_on_again(texts):
    subscriber = confirmed(texts)
    weekly_set(subscriber=subscriber, on=False, visit=PREFS_VISIT)
    subscription = subscriber.subscriptions.get()
    assert not subscription.active and subscription.ended_at is not None
    assert ledger(subscriber)[-1] == ("withdrawal", "wochenrueckblick")

    weekly_set(subscriber=subscriber, on=False, visit=PREFS_VISIT)  # nothing to do
    assert ConsentRecord.objects.filter(action="withdrawal").count() == 1

    weekly_set(
        subscriber=subscriber,
        on=True,
        visit=PREFS_VISIT,
        consent_text=texts.consent,
        privacy_text=texts.privacy,
    )
    subscription = subscriber.subscriptions.get()
    assert subscription.active and subscription.ended_at is None
    row = ConsentRecord.objects.order_by("pk").last()
    assert (row.action, row.purpose) == ("consent", "wochenrueckblick")
    assert row.consent_text == texts.consent and row.privacy_text == texts.privacy

    weekly_set(subscriber=subscriber, on=True, visit=PREFS_VISIT)
    assert ConsentRecord.objects.filter(purpose="wochenrueckblick").count() == 4


def test_weekly_on_needs_a_confirmed_address(texts):
    signup(texts)
    subscriber = Subscriber.objects.get()
    with pytest.raises(NotConfirmed):
        weekly_set(subscriber=subscriber, on=True, visit=PREFS_VISIT)
    assert not Subscription.objects.exists()


def test_unsubscribe_all_ends_everything(texts, follow_texts, energie, klima):
    subscriber = confirmed(texts)
    follow(subscriber, energie, follow_texts)
    follow(subscriber, klima, follow_texts)
    unsubscribe_all(subscriber=subscriber, visit=PREFS_VISIT)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.follows.exists()
    assert not subscriber.subscriptions.filter(active=True).exists()
    assert subscriber.subscriptions.get().ended_at is not None
    assert ledger(subscriber)[-1] == ("withdrawal", "alle")
    assert ConsentRecord.objects.filter(action="withdrawal").count() == 1


def test_unsubscribe_all_keeps_a_bounce_status(texts):
    subscriber = confirmed(texts)
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.BOUNCED)
    subscriber.refresh_from_db()
    unsubscribe_all(subscriber=subscriber, visit=PREFS_VISIT)
    assert Subscriber.objects.get().status == Subscriber.Status.BOUNCED


@pytest.fixture
def reader_with_everything(texts, follow_texts, energie, klima) -> Subscriber:
    subscriber = confirmed(texts)
    follow(subscriber, energie, follow_texts)
    follow(subscriber, klima, follow_texts)
    return subscriber


def state(subscriber: Subscriber) -> tuple[str, bool, list[str]]:
    subscriber.refresh_from_db()
    weekly = subscriber.subscriptions.filter(active=True).exists()
    return subscriber.status, weekly, sorted(subscriber.follows.values_list("tag__slug", flat=True))


def test_list_unsubscribe_weekly_only(reader_with_everything):
    list_unsubscribe(
        subscriber=reader_with_everything, list_id="wochenrueckblick", visit=PREFS_VISIT
    )
    assert state(reader_with_everything) == ("active", False, ["energie", "klima"])
    assert ledger(reader_with_everything)[-1] == ("withdrawal", "wochenrueckblick")


def test_list_unsubscribe_one_tag_only(reader_with_everything):
    list_unsubscribe(subscriber=reader_with_everything, list_id="thema:energie", visit=PREFS_VISIT)
    assert state(reader_with_everything) == ("active", True, ["klima"])
    assert ledger(reader_with_everything)[-1] == ("withdrawal", "thema:energie")


def test_list_unsubscribe_unknown_tag_changes_nothing(reader_with_everything):
    rows = ConsentRecord.objects.count()
    list_unsubscribe(
        subscriber=reader_with_everything, list_id="thema:gibtsnicht", visit=PREFS_VISIT
    )
    assert state(reader_with_everything) == ("active", True, ["energie", "klima"])
    assert ConsentRecord.objects.count() == rows


def test_list_unsubscribe_all(reader_with_everything):
    list_unsubscribe(subscriber=reader_with_everything, list_id="alle", visit=PREFS_VISIT)
    assert state(reader_with_everything) == ("unsubscribed", False, [])
    withdrawals = ConsentRecord.objects.filter(action="withdrawal")
    assert list(withdrawals.values_list("purpose", flat=True)) == ["alle"]


# --- export and erasure ----------------------------------------------------------------------


def test_export_contains_everything_and_is_json(reader_with_everything, texts):
    other = confirmed(texts, "andere@example.org")
    data = json.loads(json.dumps(subscriber_export(subscriber=reader_with_everything)))
    assert set(data) == {
        "subscriber",
        "subscriptions",
        "follows",
        "author_follows",
        "consent_ledger",
        "deliveries",
    }
    assert data["author_follows"] == []
    assert data["subscriber"]["email"] == "leserin@example.org"
    assert data["subscriber"]["status"] == "active"
    assert data["subscriber"]["confirmed_at"] is not None
    assert data["subscriptions"] == [
        {
            "list": "wochenrueckblick",
            "active": True,
            "created_at": data["subscriptions"][0]["created_at"],
            "confirmed_at": data["subscriber"]["confirmed_at"],
            "ended_at": None,
        }
    ]
    assert sorted(f["tag"] for f in data["follows"]) == ["Energie", "Klima"]
    assert all(f["frequency"] == "sofort" and f["active"] for f in data["follows"])
    ledger_rows = data["consent_ledger"]
    assert [(r["action"], r["purpose"]) for r in ledger_rows] == [
        ("consent", "wochenrueckblick"),
        ("confirmation", "wochenrueckblick"),
        ("consent", "thema:energie"),
        ("consent", "thema:klima"),
    ]
    assert ledger_rows[0]["consent_text"] == texts.consent.text
    assert ledger_rows[0]["privacy_policy_version"] == texts.privacy.sha256
    assert ledger_rows[0]["terms_version"] is None
    assert ledger_rows[0]["ip_truncated"] == "203.0.113.0"
    assert ledger_rows[0]["user_agent"] == "Mozilla/5.0 A"
    assert ledger_rows[1]["source"] == "bestaetigung"
    assert data["deliveries"] == []
    assert other.email not in json.dumps(data)


def test_export_queries_do_not_grow_with_follows(
    texts, follow_texts, django_assert_max_num_queries
):
    subscriber = confirmed(texts)
    for n in range(30):
        tag = Tag.objects.create(name=f"Thema {n}", slug=f"thema-{n}")
        follow(subscriber, tag, follow_texts)
    for n in range(10):
        author = Author.objects.create(name=f"Autorin {n}", slug=f"autorin-{n}")
        AuthorFollow.objects.create(subscriber=subscriber, author=author, active=True)
    with django_assert_max_num_queries(5):
        data = subscriber_export(subscriber=subscriber)
    assert len(data["follows"]) == 30
    assert len(data["author_follows"]) == 10
    assert len(data["consent_ledger"]) == 32


def test_erase_removes_the_reader_and_keeps_the_proof_under_a_hash(reader_with_everything, texts):
    subscriber = reader_with_everything
    other = confirmed(texts, "andere@example.org")
    rows_before = list(
        ConsentRecord.objects.filter(subscriber=subscriber)
        .order_by("pk")
        .values_list("pk", "action", "purpose", "privacy_text_id", "occurred_at")
    )
    subscriber_erase(subscriber=subscriber)

    assert not Subscriber.objects.filter(email="leserin@example.org").exists()
    assert not TagFollow.objects.filter(subscriber_id=subscriber.pk).exists()
    assert not Subscription.objects.filter(subscriber_id=subscriber.pk).exists()
    assert not OptInRequest.objects.filter(subscriber_id=subscriber.pk).exists()
    digest = address_hash("leserin@example.org")
    kept = ConsentRecord.objects.filter(email=digest).order_by("pk")
    assert list(kept.values_list("pk", "action", "purpose", "privacy_text_id", "occurred_at")) == (
        rows_before
    )
    for row in kept:
        assert row.subscriber_id is None
        assert row.ip_truncated == "" and row.user_agent == ""
        assert row.erased_at is not None
    assert not ConsentRecord.objects.filter(email__icontains="leserin").exists()
    assert SuppressedAddress.objects.filter(email_hash=digest, reason="erased").exists()
    # The other reader is untouched.
    assert ConsentRecord.objects.filter(subscriber=other, erased_at__isnull=True).count() == 2


def test_address_hash_is_salted_and_ignores_spelling(settings):
    assert address_hash(" Leserin@Example.org ") == address_hash("leserin@example.org")
    assert re.fullmatch(r"[0-9a-f]{64}", address_hash("leserin@example.org"))
    first = address_hash("leserin@example.org")
    settings.HASH_SALT = "ein anderes Salz"
    assert address_hash("leserin@example.org") != first


# --- purging unconfirmed sign-ups -------------------------------------------------------------


def age(email: str, days: float) -> None:
    when = timezone.now() - timedelta(days=days)
    Subscriber.objects.filter(email=email).update(created_at=when)
    OptInRequest.objects.filter(subscriber__email=email).update(created_at=when)


@pytest.fixture
def purge_cases(texts, energie) -> dict[str, str]:
    signup(texts, "alt@example.org")
    age("alt@example.org", 8)
    signup(texts, "jung@example.org")
    age("jung@example.org", 6)
    signup(texts, "wieder@example.org")
    age("wieder@example.org", 9)
    signup(texts, "wieder@example.org")  # asked again yesterday: a fresh request
    confirmed(texts, "aktiv@example.org")
    signup(texts, "aktiv@example.org", weekly=False, tag=energie)  # never confirmed
    age("aktiv@example.org", 30)
    return {"stale": "alt@example.org"}


def test_purge_removes_only_stale_unconfirmed_readers(purge_cases):
    assert optins_purge_unconfirmed() == 1
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "aktiv@example.org",
        "jung@example.org",
        "wieder@example.org",
    ]
    erased = ConsentRecord.objects.get(email=address_hash("alt@example.org"))
    assert erased.subscriber_id is None and erased.ip_truncated == "" and erased.user_agent == ""
    assert erased.action == "consent" and erased.purpose == "wochenrueckblick"
    assert not ConsentRecord.objects.filter(email="alt@example.org").exists()
    # The purged address is not suppressed: it may sign up again.
    assert not SuppressedAddress.objects.exists()
    remaining = OptInRequest.objects.values_list("subscriber__email", "used_at")
    assert sorted((email, used is not None) for email, used in remaining) == [
        ("aktiv@example.org", True),  # used requests stay with the reader
        ("jung@example.org", False),
        ("wieder@example.org", False),  # the fresh one; the old one is gone
    ]


def test_purge_is_idempotent(purge_cases):
    optins_purge_unconfirmed()
    snapshot = (
        sorted(Subscriber.objects.values_list("email", flat=True)),
        sorted(OptInRequest.objects.values_list("nonce", flat=True)),
        list(ConsentRecord.objects.order_by("pk").values_list("email", "erased_at")),
    )
    assert optins_purge_unconfirmed() == 0
    assert snapshot == (
        sorted(Subscriber.objects.values_list("email", flat=True)),
        sorted(OptInRequest.objects.values_list("nonce", flat=True)),
        list(ConsentRecord.objects.order_by("pk").values_list("email", "erased_at")),
    )


def test_purge_uses_the_given_time(texts):
    signup(texts)
    assert optins_purge_unconfirmed(now=timezone.now() + timedelta(days=6)) == 0
    assert optins_purge_unconfirmed(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert not Subscriber.objects.exists()
    assert not OptInRequest.objects.exists()


def test_purged_reader_can_sign_up_again(texts, smtp_mails, django_capture_on_commit_callbacks):
    signup(texts)
    age("leserin@example.org", 8)
    optins_purge_unconfirmed()
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    assert Subscriber.objects.get().status == "pending"
    assert len(smtp_mails.all()) == 1


def test_purge_task(purge_cases):
    result = tasks.optins_purge_task.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert not Subscriber.objects.filter(email="alt@example.org").exists()


def test_enqueue_periodic_respects_intervals(purge_cases, settings):
    from depesche.core.management.commands.worker import enqueue_periodic

    path = "depesche.audience.tasks.optins_purge_task"
    assert (path, 3600) in settings.PERIODIC_TASKS
    last_run: dict[str, float] = {}
    assert path in enqueue_periodic(last_run, 1000.0)
    assert not Subscriber.objects.filter(email="alt@example.org").exists()
    # Others (the wire poll, every minute) may be due; this one is not yet.
    assert path not in enqueue_periodic(last_run, 1000.0 + 3599)
    assert path in enqueue_periodic(last_run, 1000.0 + 3600)
    assert last_run[path] == 1000.0 + 3600


# The worker's task loop takes SQLite's write lock with its own BEGIN, as in production, so it
# cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_batch_runs_the_periodic_tasks(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    stale = Subscriber.objects.create(
        email="alt@example.org", created_at=timezone.now() - timedelta(days=8)
    )
    ConsentRecord.objects.create(
        subscriber=stale,
        email=stale.email,
        action="consent",
        purpose="wochenrueckblick",
        source="modal",
        ip_truncated="203.0.113.0",
    )
    Subscriber.objects.create(email="jung@example.org")

    call_command("worker", batch=True)

    results = DBTaskResult.objects.filter(task_path="depesche.audience.tasks.optins_purge_task")
    assert {(r.status, r.return_value) for r in results} == {("SUCCESSFUL", 1)}
    for path, _interval in settings.PERIODIC_TASKS:
        assert DBTaskResult.objects.filter(task_path=path, status="SUCCESSFUL").exists(), path
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["jung@example.org"]
    assert ConsentRecord.objects.get().email == address_hash("alt@example.org")


def test_welcome_mail_goes_out_once_per_subscription(texts, smtp_mails):
    reader = confirmed(texts)
    assert tasks.welcome_mail_send_task.call(reader.pk) is True
    assert tasks.welcome_mail_send_task.call(reader.pk) is False
    assert len(smtp_mails.wait(1)) == 1
    # Confirming a second open opt-in for the same list sends no second welcome.
    signup(texts, "leserin@example.org")
    assert tasks.welcome_mail_send_task.call(reader.pk) is False
    # A later mail through the same server: once it has arrived, a welcome sent before it
    # would have too.
    assert tasks.already_subscribed_note_task.call(reader.pk) is True
    welcome, note = smtp_mails.wait(2)
    assert len(smtp_mails.all()) == 2
    assert welcome.subject != note.subject


def test_already_subscribed_note_goes_out_once_per_request(texts, smtp_mails):
    reader = confirmed(texts)
    signup(texts)  # active reader asks again: a note is due
    assert tasks.already_subscribed_note_task.call(reader.pk) is True
    assert tasks.already_subscribed_note_task.call(reader.pk) is False
    assert len(smtp_mails.wait(1)) == 1


def test_every_mail_carries_a_signed_preference_link(
    texts, smtp_mails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)
    reader = Subscriber.objects.get()
    optin = OptInRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        optin_confirm(token=token_for(optin), visit=CONFIRM_VISIT)
    with django_capture_on_commit_callbacks(execute=True):
        signup(texts)  # the "already subscribed" note
    tasks.preference_link_send_task.call(reader.pk)
    mails = smtp_mails.wait(4)
    assert len(mails) == 4
    for mail in mails:
        for part in (mail.body("plain"), mail.body("html")):
            token = re.search(r"/abo/link/([^/\s\"<]+)/", part).group(1)
            assert read_token("prefs", token) == [reader.public_id, reader.token_version]
