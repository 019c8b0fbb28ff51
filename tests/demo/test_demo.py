"""demo/: the demo content, the `demo` command's setup, the demo editor and the mail catcher."""

from __future__ import annotations

import importlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.http import Http404
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django.utils import timezone
from taggit.models import Tag

from depesche.demo import views as demo_views
from depesche.demo.mailcatcher import MailCatcher, mailbox
from depesche.demo.services import EDITOR_USERNAME, date_shifter, demo_files, editor_ensure
from depesche.digest.models import Digest
from depesche.newsroom.models import ArticlePage, ArticlePageTag
from depesche.newsroom.selectors import article_ids_for_tag, articles_related
from depesche.newsroom.services import DEFAULT_SECTIONS
from depesche.wire.files import load_records
from depesche.wire.importing import ImportReport, Outcome, import_files

# The demo content


def raw_records() -> list[dict[str, Any]]:
    return [record for path in demo_files() for record in load_records(path)]


def raw_stamps(key: str) -> list[datetime]:
    return [datetime.fromisoformat(record[key]) for record in raw_records() if record.get(key)]


@pytest.fixture
def demo_import(site_tree) -> ImportReport:
    files = demo_files()
    return import_files(files, transform=date_shifter(files))


def test_demo_files_are_the_shipped_json_files():
    files = demo_files()
    assert files == sorted(files)
    assert len(files) >= 2
    assert all(path.suffix == ".json" and path.parent.name == "articles" for path in files)
    assert any(isinstance(json.loads(path.read_text("utf-8")), dict) for path in files)
    assert len(raw_records()) >= 40


def test_date_shifter_moves_the_newest_date_an_hour_before_now():
    files = demo_files()
    now = timezone.now()
    shift = date_shifter(files, now=now)
    shifted = [shift(record) for record in raw_records()]
    stamps = [
        datetime.fromisoformat(record[key])
        for record in shifted
        for key in ("firstcreated", "versioncreated")
        if record.get(key)
    ]

    assert max(stamps) == now - timedelta(hours=1)
    originals = raw_stamps("firstcreated")
    moved = [datetime.fromisoformat(record["firstcreated"]) for record in shifted]
    assert max(moved) - min(moved) == max(originals) - min(originals)
    # The raw record is not modified in place.
    assert shift(raw_records()[0]) is not raw_records()[0]


def test_demo_content_imports_completely(demo_import):
    assert demo_import.errors == []
    assert demo_import.failed == 0
    assert demo_import.counts[Outcome.CREATED] == len(raw_records())
    assert ArticlePage.objects.live().count() >= 40


def test_demo_content_fills_every_section(demo_import, site_tree):
    per_section = Counter(ArticlePage.objects.live().values_list("section__title", flat=True))
    assert set(DEFAULT_SECTIONS) <= set(per_section)
    assert all(per_section[title] >= 3 for title in DEFAULT_SECTIONS)


def test_demo_dates_lie_in_the_last_four_weeks(demo_import):
    now = timezone.now()
    articles = list(ArticlePage.objects.live())
    first = [page.first_published_at for page in articles]
    newest = max(page.last_published_at for page in articles)

    assert timedelta(days=21) <= max(first) - min(first) <= timedelta(days=35)
    assert now - timedelta(hours=3) < newest <= now - timedelta(hours=1)
    assert max(first) <= now
    assert all(page.updated_at >= page.first_published_at for page in articles)
    assert any(page.updated_at > page.first_published_at for page in articles)


def test_demo_tags_overlap(demo_import, client):
    common = Counter(ArticlePageTag.objects.values_list("tag__name", flat=True)).most_common(10)
    assert len(common) == 10
    for name, _ in common:
        tag = Tag.objects.get(name=name)
        # The tag page's list (dates on the taggings) agrees with the articles' own dates.
        own = ArticlePage.objects.live().filter(tagged_items__tag=tag)
        expected = list(own.order_by("-first_published_at", "-pk").values_list("pk", flat=True))
        assert len(expected) >= 2, name
        assert list(article_ids_for_tag(tag=tag)) == expected, name
    top = Tag.objects.get(name=common[0][0])
    response = client.get(reverse("tag", args=[top.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('class="teaser') >= 2

    with_related = [page for page in ArticlePage.objects.live() if articles_related(article=page)]
    assert len(with_related) >= len(raw_records()) // 2
    response = client.get(with_related[0].url)
    assert "Mehr zum Thema" in response.content.decode()


def test_demo_command_setup_is_repeatable(site_tree, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    out = io.StringIO()

    call_command("demo", setup_only=True, stdout=out)

    first = out.getvalue()
    records = len(raw_records())
    assert f"Importing demo articles from {len(demo_files())} files" in first
    assert f"{records} created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in first
    assert f"{records}/{records} articles" in first
    ids = sorted(ArticlePage.objects.values_list("pk", flat=True))
    # The imported articles plus the demo ads' one sponsored article (depesche.demo.ads).
    assert len(ids) == records + 1
    assert ArticlePage.objects.exclude(sponsor="").count() == 1
    assert (tmp_path / "static").is_dir()
    # Last week's Wochenrückblick, approved for the worker to read as a podcast episode.
    digest = Digest.objects.get()
    assert digest.status == Digest.Status.APPROVED and digest.topics.count() >= 3
    assert f"Wochenrückblick {digest.week}: {digest.topics.count()} topics" in first

    out = io.StringIO()
    call_command("demo", setup_only=True, stdout=out)

    assert "already present, keeping the data" in out.getvalue()
    assert sorted(ArticlePage.objects.values_list("pk", flat=True)) == ids
    assert Digest.objects.count() == 1 and "Wochenrückblick" not in out.getvalue()


# The demo editor


def test_editor_is_created_once_with_a_persisted_password(site_tree, tmp_path):
    password_file = tmp_path / "demo-login.txt"

    user, password = editor_ensure(password_file=password_file)
    again, same = editor_ensure(password_file=password_file)

    assert user.username == EDITOR_USERNAME
    assert password_file.read_text() == password
    assert password_file.stat().st_mode & 0o777 == 0o600
    assert len(password) >= 12
    assert same == password
    assert again.pk == user.pk
    assert get_user_model().objects.filter(username=EDITOR_USERNAME).count() == 1
    assert user.check_password(password)
    assert set(user.groups.values_list("name", flat=True)) == {"Editors", "Moderators"}
    assert not user.is_superuser


def test_editor_password_follows_the_file(site_tree, tmp_path):
    password_file = tmp_path / "demo-login.txt"
    editor_ensure(password_file=password_file)
    password_file.write_text("neues-Passwort-123\n")

    user, password = editor_ensure(password_file=password_file)

    assert password == "neues-Passwort-123"
    user.refresh_from_db()
    assert user.check_password("neues-Passwort-123")


def test_editor_can_use_the_admin(site_tree, tmp_path, client):
    _, password = editor_ensure(password_file=tmp_path / "demo-login.txt")

    assert client.get("/admin/").status_code == 302
    assert client.login(username=EDITOR_USERNAME, password=password)
    response = client.get("/admin/")
    assert response.status_code == 200
    section = site_tree.sections["Politik"]
    assert client.get(f"/admin/pages/{section.pk}/").status_code == 200


def test_editor_gets_the_german_admin_whatever_the_browser_asks(site_tree, tmp_path, client):
    _, password = editor_ensure(password_file=tmp_path / "demo-login.txt")
    client.login(username=EDITOR_USERNAME, password=password)
    html = client.get("/admin/pages/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert 'lang="de"' in html
    assert "Seiten" in html


# The mail catcher


@pytest.fixture
def mail_folder(tmp_path) -> Path:
    return tmp_path / "mailbox"


@pytest.fixture
def catcher(mail_folder, settings, smtp_server) -> MailCatcher:
    """The mail catcher's handler on the suite's SMTP server, with Django sending to it."""
    catcher = MailCatcher(mail_folder, host="127.0.0.1")
    smtp_server(catcher.controller.handler)
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.MAIL_CATCHER_DIR = mail_folder
    return catcher


@pytest.fixture
def mail_routes() -> Iterator[None]:
    """The site's URLs as they are loaded with DEPESCHE_MAIL_CATCHER on."""
    from depesche.site import urls

    with override_settings(MAIL_CATCHER=True):
        importlib.reload(urls)
        clear_url_caches()
        yield
    importlib.reload(urls)
    clear_url_caches()


def send(subject: str, body: str, to: str = "leserin@example.org") -> None:
    sent = mail.send_mail(subject, body, "redaktion@depesche.invalid", [to])
    assert sent == 1


def test_caught_mail_is_stored_as_eml(catcher, mail_folder):
    send("Bitte bestätigen Sie Ihre Anmeldung", "Hallo,\nbitte klicken Sie hier.")

    files = list(mail_folder.iterdir())
    assert len(files) == 1
    assert files[0].suffix == ".eml"
    assert b"Subject:" in files[0].read_bytes()


def test_mailbox_parses_caught_mail_newest_first(catcher, mail_folder):
    send("Erste Nachricht", "Eins.")
    send("Grüße aus der Redaktion", "Zwei: äöüß.", to="Leser <leser@example.org>")

    mails = mailbox(mail_folder)

    assert [m.subject for m in mails] == ["Grüße aus der Redaktion", "Erste Nachricht"]
    assert mails[0].to == "Leser <leser@example.org>"
    assert mails[0].body().strip() == "Zwei: äöüß."
    assert mails[0].date
    assert mails[1].to == "leserin@example.org"
    assert mailbox(mail_folder / "fehlt") == []


def test_mail_routes_exist_only_with_the_catcher_on():
    with pytest.raises(NoReverseMatch):
        reverse("mail-inbox")


def test_without_the_demo_app_there_is_no_mail_inbox(monkeypatch, site_tree, client):
    """As under the production settings (which leave the demo app out): /_mail/ is not routed
    even with the mail catcher switched on."""
    from django.apps import apps

    from depesche.site import urls

    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name != "depesche.demo" and installed(name)
    )
    try:
        with override_settings(MAIL_CATCHER=True):
            importlib.reload(urls)
            clear_url_caches()
            with pytest.raises(NoReverseMatch):
                reverse("mail-inbox")
            assert client.get("/_mail/").status_code == 404
    finally:
        monkeypatch.undo()
        importlib.reload(urls)
        clear_url_caches()


def test_inbox_and_message_pages(catcher, mail_folder, mail_routes, site_tree, client):
    send("Ihr Wochenrückblick", "Die wichtigsten Nachrichten der Woche.")
    (caught,) = mailbox(mail_folder)

    inbox = client.get(reverse("mail-inbox"))
    assert inbox.status_code == 200
    page = inbox.content.decode()
    assert "Ihr Wochenrückblick" in page
    assert reverse("mail-message", args=[caught.id]) in page

    message = client.get(reverse("mail-message", args=[caught.id]))
    assert message.status_code == 200
    assert "Die wichtigsten Nachrichten der Woche." in message.content.decode()
    assert "leserin@example.org" in message.content.decode()

    assert client.get("/_mail/123-deadbeef/").status_code == 404
    assert client.get("/_mail/..%2F..%2Fsecret_key/").status_code == 404


def test_message_view_rejects_unknown_and_malformed_ids(catcher, mail_folder, rf, db):
    send("Vorhanden", "Text.")
    (caught,) = mailbox(mail_folder)
    request = rf.get("/_mail/x/")

    for mail_id in ("../../secret_key", "abc", f"{caught.id}.eml", "1-deadbeef", ""):
        with pytest.raises(Http404):
            demo_views.message(request, mail_id)


def test_inbox_view_without_mail(settings, tmp_path, mail_routes, rf, db):
    settings.MAIL_CATCHER_DIR = tmp_path / "leer"
    response = demo_views.inbox(rf.get("/_mail/"))
    assert response.status_code == 200
    assert "Noch keine E-Mails." in response.content.decode()


def test_editor_does_not_see_the_consent_ledger_and_subscribers(site_tree, tmp_path, client):
    """Readers' data only for those allowed: the Editors and Moderators groups have no reader
    permission (an administrator grants one to a group or a user)."""
    _, password = editor_ensure(password_file=tmp_path / "demo-login.txt")
    client.login(username=EDITOR_USERNAME, password=password)
    for url in ("/admin/leser/einwilligungen/", "/admin/leser/abonnenten/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
    user = get_user_model().objects.get(username=EDITOR_USERNAME)
    assert not user.is_superuser
    assert not user.has_perm("audience.change_consentrecord")
    assert not user.has_perm("audience.delete_consentrecord")
    assert not user.has_perm("audience.export_reader_data")
    assert not user.has_perm("audience.erase_reader")


def test_demo_bylines_become_authors_with_pages(demo_import, client):
    from depesche.newsroom.models import ArticlePageAuthor, Author

    # "Redaktion" is a credit, not a person; every other demo byline names people.
    assert not Author.objects.filter(name="Redaktion").exists()
    paula = Author.objects.get(name="Paula Esser")  # alone and in "Paula Esser und …"
    written = ArticlePageAuthor.objects.filter(author=paula).values("page_id").distinct()
    assert written.count() == 4
    shared = ArticlePage.objects.get(byline="Paula Esser und Tobias Reinhardt")
    assert [link.author.name for link in shared.article_authors.order_by("sort_order")] == [
        "Paula Esser",
        "Tobias Reinhardt",
    ]
    html = client.get(reverse("author", args=[paula.slug])).content.decode()
    assert html.count('<article class="teaser') == 4
    assert f'href="/autoren/{paula.slug}/"' in client.get(shared.url).content.decode()
