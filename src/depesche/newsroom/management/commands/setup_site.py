"""`depesche setup-site`: create the home page, the five sections and the legal pages."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from depesche.newsroom.services import site_setup


class Command(BaseCommand):
    help = "Create the home page, sections and legal pages that do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        tree = site_setup(site_name=settings.SITE_NAME)
        self.stdout.write(f"Home page '{tree.home.title}' with {len(tree.sections)} sections.")
