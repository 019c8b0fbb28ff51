"""`depesche …`: Django's manage.py plus Depesche's own commands.

Our commands are spelled with hyphens (`import-articles`); Django's underscore names work too.
"""

from __future__ import annotations

import os
import sys

ALIASES = {
    "import-articles": "import_articles",
    "setup-site": "setup_site",
    "generate-secret": "generate_secret",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "depesche.config.settings.production")
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    argv[0] = "depesche"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
