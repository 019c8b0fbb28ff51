"""Demo setup: content moved to the present and an editor account."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone
from wagtail.users.models import UserProfile

from depesche.digest.models import Digest
from depesche.digest.services import digest_approve, digest_build
from depesche.newsroom.models import SectionPage
from depesche.wire.files import load_records
from depesche.wire.models import Feed

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
EDITOR_USERNAME = "redaktion"


def demo_files() -> list[Path]:
    return sorted(ARTICLES_DIR.glob("*.json"))


def date_shifter(files: list[Path], *, now: datetime | None = None) -> Any:
    """A record transform that moves all demo dates so the newest lies an hour before `now`.

    The files carry fixed dates; shifting keeps their spacing (four weeks) in the present.
    """
    stamps = [
        datetime.fromisoformat(record[key])
        for path in files
        for record in load_records(path)
        for key in ("firstcreated", "versioncreated")
        if isinstance(record, dict) and record.get(key)
    ]
    now = now or timezone.now()
    shift = (now - timedelta(hours=1)) - max(stamps) if stamps else timedelta(0)

    def transform(record: dict[str, Any]) -> dict[str, Any]:
        moved = dict(record)
        for key in ("firstcreated", "versioncreated"):
            if moved.get(key):
                moved[key] = (datetime.fromisoformat(moved[key]) + shift).isoformat()
        return moved

    return transform


@transaction.atomic
def editor_ensure(*, password_file: Path) -> tuple[AbstractUser, str]:
    """The demo editor (created once, may publish); the password is kept in `password_file`."""
    User = get_user_model()
    if password_file.exists():
        password = password_file.read_text().strip()
    else:
        password = secrets.token_urlsafe(9)
        password_file.write_text(password)
        password_file.chmod(0o600)
    user, created = User.objects.get_or_create(
        username=EDITOR_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Redaktion",
            "email": "redaktion@depesche.invalid",
        },
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    groups = list(Group.objects.filter(name__in=["Editors", "Moderators"]))
    if groups:
        user.groups.add(*groups)
    else:  # Wagtail's default groups were removed: fall back to full rights
        user.is_superuser = True
        user.save()
    # The newsroom works in German whatever the browser asks for.
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != "de":
        profile.preferred_language = "de"
        profile.save(update_fields=["preferred_language"])
    return user, password


def demo_agency_ensure() -> Feed:
    """A desk agency for trying push delivery: its copy lands in "Agenturmeldungen" as drafts.
    Its secret is random per demo data folder and shown in the admin."""
    feed, _ = Feed.objects.get_or_create(
        slug="demo",
        defaults={
            "name": "Demo-Agentur",
            "secret": secrets.token_urlsafe(32),
            "auto_publish": False,
            "default_section": SectionPage.objects.filter(title="Panorama").first(),
        },
    )
    return feed


def demo_digest_ensure() -> Digest | None:
    """Once, on a fresh demo: last week's Wochenrückblick from the demo articles, approved in
    the demo's name, so the worker reads it as a podcast episode (with the default voice) and
    /podcast/ has something to play. Nothing when a digest exists or the week has no topics;
    nobody has subscribed yet, so no mail goes out."""
    if Digest.objects.exists():
        return None
    digest = digest_build()
    if not digest.topics.exists():
        return digest
    return digest_approve(digest=digest, user=None, auto=True)
