"""wire/importing.py and the `import-articles` command: ninjs files into published articles."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from taggit.models import Tag
from wagtail.models import PageLogEntry, Revision
from wagtail.signals import page_published

from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.selectors import articles_related
from depesche.site import cli
from depesche.wire.importing import Outcome, article_slug, import_files

FIRST = "2024-05-02T08:00:00+02:00"
FIRST_UTC = datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
LATER = "2024-05-02T11:15:00+02:00"
LATER_UTC = datetime(2024, 5, 2, 9, 15, tzinfo=UTC)


def ninjs(guid: str = "urn:test:1", **fields: Any) -> dict[str, Any]:
    """A valid ninjs record; keyword arguments replace fields, None removes one."""
    data: dict[str, Any] = {
        "guid": guid,
        "headline": f"Meldung {guid}",
        "description_text": "Ein Vorspann.",
        "section": "Politik",
        "body_html": "<p>Ein Absatz.</p>",
        "byline": "Anna Schmidt",
        "located": "Berlin",
        "firstcreated": FIRST,
        "versioncreated": FIRST,
        "subject": [{"name": "Haushalt"}],
    }
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write(folder: Path, name: str, content: Any) -> Path:
    path = folder / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def article(guid: str = "urn:test:1") -> ArticlePage:
    return ArticlePage.objects.get(source_guid=guid)


@pytest.fixture
def published() -> Iterator[list[ArticlePage]]:
    """Every page that Wagtail's page_published signal announces during the test."""
    seen: list[ArticlePage] = []

    def receiver(sender: type, instance: ArticlePage, **kwargs: Any) -> None:
        seen.append(instance)

    page_published.connect(receiver, weak=False, dispatch_uid="test-importing-published")
    yield seen
    page_published.disconnect(dispatch_uid="test-importing-published")


@pytest.fixture
def failing_publish() -> Iterator[set[str]]:
    """Headlines whose publication fails inside Wagtail's publishing, after the page is saved."""
    headlines: set[str] = set()

    def receiver(sender: type, instance: Any, **kwargs: Any) -> None:
        if instance.title in headlines:
            raise ValidationError("Veröffentlichung abgelehnt")

    page_published.connect(receiver, weak=False, dispatch_uid="test-importing-failing")
    yield headlines
    page_published.disconnect(dispatch_uid="test-importing-failing")


def snapshot() -> dict[str, int]:
    return {
        "articles": ArticlePage.objects.count(),
        "revisions": Revision.objects.count(),
        "tags": Tag.objects.count(),
        "log": PageLogEntry.objects.count(),
    }


# Creating


def test_import_creates_live_articles_with_all_fields(site_tree, tmp_path):
    path = write(
        tmp_path,
        "meldungen.json",
        [
            ninjs(
                "urn:test:1",
                headline="Haushalt beschlossen",
                description_text="<p>Der Bundestag hat <b>entschieden</b>.</p>",
                section="Wirtschaft",
                body_html=(
                    "<p onclick='x()'>Ein <strong>wichtiger</strong> Tag.</p>"
                    "<script>alert(1)</script><h2>Die Folgen</h2>"
                    "<blockquote>Ein guter Tag.</blockquote>"
                ),
                byline="Anna Schmidt, Ben Weber",
                located="Berlin",
                subject=[{"name": "Haushalt"}, {"name": "Bundestag"}],
            ),
            ninjs("urn:test:2", section="WIRTSCHAFT"),
        ],
    )

    report = import_files([path])

    assert report.counts[Outcome.CREATED] == 2
    assert report.failed == 0
    assert report.errors == []
    page = article("urn:test:1")
    assert page.live
    assert page.get_parent().specific == site_tree.sections["Wirtschaft"]
    assert page.section_id == site_tree.sections["Wirtschaft"].pk
    assert page.title == "Haushalt beschlossen"
    assert page.teaser == "Der Bundestag hat entschieden."
    assert [(block.block_type, block.value) for block in page.body][1:] == [
        ("subheading", "Die Folgen"),
        ("quote", {"quote": "Ein guter Tag.", "attribution": ""}),
    ]
    assert page.body[0].block_type == "paragraph"
    assert page.body[0].value.source == "<p>Ein <b>wichtiger</b> Tag.</p>"
    assert sorted(page.tags.names()) == ["Bundestag", "Haushalt"]
    assert page.byline == "Anna Schmidt, Ben Weber"
    assert page.located == "Berlin"
    assert article("urn:test:2").get_parent().specific == site_tree.sections["Wirtschaft"]


def test_section_is_found_by_slug_case_insensitively(site_tree, tmp_path):
    section = site_tree.sections["Unternehmen"]
    SectionPage.objects.filter(pk=section.pk).update(title="Firmen und Märkte")
    path = write(tmp_path, "a.json", ninjs(section="UNTERNEHMEN"))

    report = import_files([path])

    assert report.errors == []
    assert article().get_parent().pk == section.pk


def test_agency_times_become_publication_times(site_tree, tmp_path):
    path = write(
        tmp_path,
        "a.json",
        [
            ninjs("urn:test:1", firstcreated=FIRST, versioncreated=LATER),
            ninjs("urn:test:2", firstcreated=FIRST, versioncreated=FIRST),
            ninjs("urn:test:3", firstcreated=None, versioncreated=LATER),
        ],
    )

    import_files([path])

    updated = article("urn:test:1")
    assert updated.first_published_at == FIRST_UTC
    assert updated.last_published_at == LATER_UTC
    assert updated.updated_at == LATER_UTC
    same = article("urn:test:2")
    assert same.first_published_at == FIRST_UTC
    assert same.updated_at == same.first_published_at
    assert same.last_published_at == same.first_published_at
    only_version = article("urn:test:3")
    assert only_version.first_published_at == LATER_UTC
    assert only_version.updated_at == LATER_UTC


def test_import_publishes_through_wagtail_revisions(site_tree, tmp_path, published):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2")])

    import_files([path])

    page = article("urn:test:1")
    assert page.revisions.count() == 1
    assert page.live_revision_id == page.revisions.get().pk
    assert page.latest_revision_id == page.live_revision_id
    assert not page.has_unpublished_changes
    assert sorted(p.source_guid for p in published if isinstance(p, ArticlePage)) == [
        "urn:test:1",
        "urn:test:2",
    ]
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 1


def test_slugs_spell_out_umlauts_and_stay_unique_in_a_section(site_tree, tmp_path):
    headline = "Öl und Gas: Bäcker in Großstädten müssen sparen"
    path = write(
        tmp_path,
        "a.json",
        [
            ninjs("urn:test:1", headline=headline),
            ninjs("urn:test:2", headline=headline),
            ninjs("urn:test:3", headline=headline),
            ninjs("urn:test:4", headline=headline, section="Wirtschaft"),
            ninjs("urn:test:5", headline="!!!"),
        ],
    )

    import_files([path])

    slug = "oel-und-gas-baecker-in-grossstaedten-muessen-sparen"
    assert article("urn:test:1").slug == slug
    assert article("urn:test:2").slug == f"{slug}-2"
    assert article("urn:test:3").slug == f"{slug}-3"
    assert article("urn:test:4").slug == slug
    assert article("urn:test:5").slug == "artikel"


def test_article_slug_ignores_the_article_itself(site_tree, tmp_path):
    import_files([write(tmp_path, "a.json", ninjs(headline="Straße"))])
    page = article()
    section = SectionPage.objects.get(pk=site_tree.sections["Politik"].pk)

    assert article_slug("Straße", section) == "strasse-2"
    assert article_slug("Straße", section, exclude_pk=page.pk) == "strasse"


def test_imported_articles_share_tags(site_tree, tmp_path):
    path = write(
        tmp_path,
        "a.json",
        [
            ninjs("urn:test:1", subject=[{"name": "Energie"}, {"name": "Klima"}]),
            ninjs("urn:test:2", subject=[{"name": "energie"}]),
        ],
    )

    import_files([path])

    assert Tag.objects.filter(name__iexact="energie").count() == 1
    assert articles_related(article=article("urn:test:1")) == [article("urn:test:2")]


# Re-importing


def test_reimporting_the_same_file_changes_nothing(site_tree, tmp_path, published):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1", versioncreated=LATER)])
    import_files([path])
    before = article()
    counts = snapshot()
    published.clear()

    report = import_files([path])

    assert report.counts[Outcome.UNCHANGED] == 1
    assert report.counts[Outcome.CREATED] == report.counts[Outcome.UPDATED] == 0
    assert snapshot() == counts
    assert published == []
    after = article()
    assert after.revisions.count() == 1
    assert after.first_published_at == before.first_published_at
    assert after.last_published_at == before.last_published_at
    assert after.updated_at == before.updated_at
    assert after.latest_revision_created_at == before.latest_revision_created_at


def test_a_newer_version_updates_the_article(site_tree, tmp_path, published):
    path = write(tmp_path, "a.json", ninjs(headline="Erste Fassung"))
    import_files([path])
    first = article()
    write(
        tmp_path,
        "a.json",
        ninjs(
            headline="Zweite Fassung",
            versioncreated=LATER,
            body_html="<p>Neu.</p>",
            subject=[{"name": "Neu"}],
        ),
    )
    published.clear()

    report = import_files([path])

    assert report.counts[Outcome.UPDATED] == 1
    assert report.errors == []
    page = article()
    assert page.pk == first.pk
    assert page.title == "Zweite Fassung"
    assert page.body[0].value.source == "<p>Neu.</p>"
    assert list(page.tags.names()) == ["Neu"]
    assert page.revisions.count() == 2
    assert page.live_revision_id == page.latest_revision_id != first.live_revision_id
    assert [p.pk for p in published] == [page.pk]
    assert page.first_published_at == first.first_published_at == FIRST_UTC
    assert page.updated_at == LATER_UTC > first.updated_at
    assert page.last_published_at == LATER_UTC
    # The address stays stable across corrections.
    assert page.slug == first.slug == "erste-fassung"
    assert ArticlePage.objects.count() == 1


def admin_unpublish(admin_client, page: ArticlePage) -> None:
    """Unpublish as an editor does: Wagtail's unpublish view in the admin."""
    response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=(page.pk,)))
    assert response.status_code == 302
    assert not article(page.source_guid).live


def test_reimport_keeps_an_article_the_newsroom_unpublished(
    admin_client, client, site_tree, tmp_path, published
):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1", headline="Zurückgezogen")])
    import_files([path])
    page = article()
    url = page.url
    admin_unpublish(admin_client, page)
    published.clear()

    report = import_files([path])

    assert report.counts[Outcome.SKIPPED] == 1
    assert report.counts[Outcome.UNCHANGED] == report.counts[Outcome.UPDATED] == 0
    assert report.failed == 0
    assert report.skipped == [f"{path} record 1: skipped, unpublished by the newsroom"]
    assert not article().live
    assert published == []
    assert client.get(url).status_code == 404


def test_a_changed_record_does_not_republish_either(admin_client, site_tree, tmp_path):
    path = write(tmp_path, "a.json", ninjs(headline="Erste Fassung"))
    import_files([path])
    admin_unpublish(admin_client, article())
    revisions = article().revisions.count()
    write(tmp_path, "a.json", ninjs(headline="Zweite Fassung", versioncreated=LATER))

    report = import_files([path])

    assert report.counts[Outcome.SKIPPED] == 1
    page = article()
    assert not page.live
    assert page.title == "Erste Fassung"
    assert page.revisions.count() == revisions


@pytest.mark.parametrize("changed", [False, True])
def test_republish_puts_an_unpublished_article_back(
    admin_client, client, site_tree, tmp_path, changed
):
    path = write(tmp_path, "a.json", ninjs(headline="Wieder da"))
    import_files([path])
    admin_unpublish(admin_client, article())
    if changed:
        write(tmp_path, "a.json", ninjs(headline="Wieder da", versioncreated=LATER))

    report = import_files([path], republish=True)

    assert report.counts[Outcome.UPDATED] == 1
    assert report.skipped == []
    page = article()
    assert page.live
    assert client.get(page.url).status_code == 200


def test_changing_the_section_moves_the_article(site_tree, tmp_path):
    path = write(tmp_path, "a.json", ninjs(headline="Wandernde Meldung"))
    import_files([path])
    write(tmp_path, "a.json", ninjs(headline="Wandernde Meldung", section="Panorama"))

    report = import_files([path])

    assert report.counts[Outcome.UPDATED] == 1
    page = article()
    panorama = site_tree.sections["Panorama"]
    assert page.get_parent().pk == panorama.pk
    assert page.section_id == panorama.pk
    assert page.url_path.endswith("/panorama/wandernde-meldung/")
    assert not site_tree.sections["Politik"].get_children().exists()
    assert page.revisions.count() == 2


def test_moving_onto_a_taken_slug_picks_a_free_one(site_tree, tmp_path):
    path = write(
        tmp_path,
        "a.json",
        [
            ninjs("urn:test:1", headline="Gleiche Zeile", section="Politik"),
            ninjs("urn:test:2", headline="Gleiche Zeile", section="Panorama"),
        ],
    )
    import_files([path])
    write(tmp_path, "a.json", ninjs("urn:test:1", headline="Gleiche Zeile", section="Panorama"))

    report = import_files([path])

    assert report.errors == []
    moved = article("urn:test:1")
    assert moved.get_parent().pk == site_tree.sections["Panorama"].pk
    assert moved.slug == "gleiche-zeile-2"
    assert moved.url_path.endswith("/panorama/gleiche-zeile-2/")
    assert article("urn:test:2").slug == "gleiche-zeile"


# Bad input


def test_bad_records_are_reported_and_leave_nothing_behind(site_tree, tmp_path):
    path = write(
        tmp_path,
        "gemischt.json",
        [
            ninjs("urn:test:gut-1"),
            ninjs("urn:test:bad-1", headline=None, subject=[{"name": "Geheim"}]),
            ninjs("urn:test:bad-2", section="Sport", subject=[{"name": "Geheim"}]),
            ninjs("urn:test:bad-3", firstcreated="gestern", subject=[{"name": "Geheim"}]),
            "kein Objekt",
            ninjs("urn:test:gut-2"),
        ],
    )
    counts = snapshot()

    report = import_files([path])

    assert report.counts[Outcome.CREATED] == 2
    assert report.failed == 4
    assert report.errors == [
        f"{path} record 2: no 'headline'",
        f"{path} record 3: unknown section 'Sport'",
        f"{path} record 4: 'firstcreated' is not an ISO 8601 date-time: 'gestern'",
        f"{path} record 5: a record must be a JSON object",
    ]
    assert set(ArticlePage.objects.values_list("source_guid", flat=True)) == {
        "urn:test:gut-1",
        "urn:test:gut-2",
    }
    after = snapshot()
    assert after["articles"] == counts["articles"] + 2
    assert after["revisions"] == counts["revisions"] + 2
    assert after["tags"] == counts["tags"] + 1  # "Haushalt" from the good ones
    assert not Tag.objects.filter(name="Geheim").exists()


def test_a_nul_character_fails_only_its_record(site_tree, tmp_path):
    # PostgreSQL refuses NUL in text; the database error must not abort the whole import.
    path = write(
        tmp_path,
        "a.json",
        [ninjs("urn:test:1", byline="Anna\u0000Schmidt"), ninjs("urn:test:2")],
    )

    report = import_files([path])

    assert report.errors == [f"{path} record 1: 'byline' contains a NUL character"]
    assert list(ArticlePage.objects.values_list("source_guid", flat=True)) == ["urn:test:2"]


def test_an_invalid_file_is_reported_and_the_others_imported(site_tree, tmp_path):
    good_list = write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2")])
    broken = write(tmp_path, "b.json", '[{"guid": "urn:test:3",\n  "headline": }]')
    good_object = write(tmp_path, "c.json", ninjs("urn:test:4"))
    missing = tmp_path / "fehlt.json"

    report = import_files([good_list, broken, good_object, missing])

    assert report.counts[Outcome.CREATED] == 3
    assert report.failed == 2
    assert report.errors[0].startswith(f"{broken}: invalid JSON: ")
    assert "line 2, column 15" in report.errors[0]
    assert report.errors[1].startswith(f"{missing}: ")
    assert ArticlePage.objects.count() == 3


def test_a_record_failing_while_publishing_leaves_no_rows(site_tree, tmp_path, failing_publish):
    failing_publish.add("Scheitert beim Veröffentlichen")
    path = write(
        tmp_path,
        "a.json",
        [
            ninjs(
                "urn:test:1",
                headline="Scheitert beim Veröffentlichen",
                subject=[{"name": "Nur hier"}],
            ),
            ninjs("urn:test:2", headline="Klappt"),
        ],
    )
    counts = snapshot()

    report = import_files([path])

    assert report.errors == [f"{path} record 1: Veröffentlichung abgelehnt"]
    assert report.counts[Outcome.CREATED] == 1
    after = snapshot()
    assert after["articles"] == counts["articles"] + 1
    assert after["revisions"] == counts["revisions"] + 1
    assert not Tag.objects.filter(name="Nur hier").exists()
    assert not ArticlePage.objects.filter(source_guid="urn:test:1").exists()
    # Nothing half-made blocks the slug: the record imports once the problem is gone.
    failing_publish.clear()
    assert import_files([path]).counts[Outcome.CREATED] == 1
    assert article("urn:test:1").slug == "scheitert-beim-veroeffentlichen"


def test_a_failing_update_keeps_the_published_version(site_tree, tmp_path, failing_publish):
    path = write(tmp_path, "a.json", ninjs(headline="Alte Zeile"))
    import_files([path])
    before = article()
    counts = snapshot()
    failing_publish.add("Neue Zeile")
    write(
        tmp_path,
        "a.json",
        ninjs(headline="Neue Zeile", section="Panorama", versioncreated=LATER),
    )

    report = import_files([path])

    assert report.failed == 1
    assert snapshot() == counts
    page = article()
    assert page.title == "Alte Zeile"
    assert page.get_parent().pk == site_tree.sections["Politik"].pk
    assert page.section_id == site_tree.sections["Politik"].pk
    assert page.url_path == before.url_path
    assert page.updated_at == before.updated_at
    assert page.revisions.count() == 1


# The management command


def run_import(*paths: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_a_summary(site_tree, tmp_path):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2")])

    out, err = run_import(path)

    assert "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in out
    assert err == ""
    write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2", versioncreated=LATER)])
    out, err = run_import(path)
    assert "0 created, 1 updated, 1 unchanged, 0 skipped, 0 failed" in out


def test_command_reports_skips_and_republishes_on_request(admin_client, site_tree, tmp_path):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2")])
    run_import(path)
    admin_unpublish(admin_client, article("urn:test:2"))

    out, err = run_import(path)  # no CommandError: a skip is not a failure

    assert f"{path} record 2: skipped, unpublished by the newsroom" in out
    assert "0 created, 0 updated, 1 unchanged, 1 skipped, 0 failed" in out
    assert err == ""
    assert not article("urn:test:2").live

    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", "--republish", str(path), stdout=out, stderr=err)

    assert "0 created, 1 updated, 1 unchanged, 0 skipped, 0 failed" in out.getvalue()
    assert article("urn:test:2").live


def test_command_fails_when_a_record_fails(site_tree, tmp_path):
    path = write(tmp_path, "a.json", [ninjs("urn:test:1"), ninjs("urn:test:2", section="Sport")])
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 record"):
        call_command("import_articles", str(path), stdout=out, stderr=err)

    assert "1 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" in out.getvalue()
    assert f"{path} record 2: unknown section 'Sport'" in err.getvalue()
    assert article("urn:test:1").live


def test_command_reports_progress_per_hundred_records(site_tree, tmp_path):
    records = [ninjs(f"urn:test:{n}", headline=f"Meldung Nummer {n}") for n in range(150)]
    path = write(tmp_path, "viele.json", records)

    out, _ = run_import(path)

    lines = out.splitlines()
    assert [line for line in lines if line.endswith(" records")] == [
        "100/150 records",
        "150/150 records",
    ]
    assert lines[-1] == "150 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    assert ArticlePage.objects.live().count() == 150


def test_cli_alias_reaches_the_command_without_a_database():
    # Argument errors come from import_articles' own parser, so the alias was resolved.
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["depesche", "import-articles"])
    assert excinfo.value.code == 2
    assert cli.ALIASES["import-articles"] == "import_articles"


# Django's command runner closes the database connections after each command, which would end a
# test transaction; this test therefore commits and restores the database afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cli_import_articles_exit_status(site_tree, tmp_path, capsys):
    good = write(tmp_path, "gut.json", [ninjs("urn:test:1"), ninjs("urn:test:2")])
    bad = write(tmp_path, "schlecht.json", [ninjs("urn:test:3", headline=None)])

    cli.main(["depesche", "import-articles", str(good)])  # no SystemExit: success

    captured = capsys.readouterr()
    assert "2 created, 0 updated, 0 unchanged, 0 skipped, 0 failed" in captured.out
    assert ArticlePage.objects.filter(live=True).count() == 2

    with pytest.raises(SystemExit) as excinfo:
        cli.main(["depesche", "import-articles", str(good), str(bad)])

    assert excinfo.value.code == 1
    captured = capsys.readouterr()
    assert "0 created, 0 updated, 2 unchanged, 0 skipped, 1 failed" in captured.out
    assert f"{bad} record 1: no 'headline'" in captured.err
    assert "CommandError: 1 record(s) could not be imported" in captured.err
