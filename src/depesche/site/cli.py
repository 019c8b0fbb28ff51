"""`depesche …`: Django's manage.py plus Depesche's own commands.

Our commands are spelled with hyphens (`import-articles`); Django's underscore names work too.
`depesche demo` runs under the demo settings (the only ones, with dev and test, that install the
demo app); every other command under the production settings, unless DJANGO_SETTINGS_MODULE
says otherwise.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "import-articles": "import_articles",
    "setup-site": "setup_site",
    "generate-secret": "generate_secret",
    "generate-vapid": "generate_vapid",
}
PRODUCTION_SETTINGS = "depesche.config.settings.production"
# The demo command lives in the demo app, which the production settings leave out.
DEMO_SETTINGS = "depesche.config.settings.demo"


def settings_module(argv: list[str]) -> str:
    """The settings a command line runs under: DJANGO_SETTINGS_MODULE when set, else the demo
    settings for `depesche demo` and the production settings for everything else."""
    explicit = os.environ.get("DJANGO_SETTINGS_MODULE")
    if explicit:
        return explicit
    return DEMO_SETTINGS if argv[1:2] == ["demo"] else PRODUCTION_SETTINGS


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module(argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "depesche"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
