"""Settings of the server `depesche bench pages` measures: production, plus the ceiling view."""

from depesche.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "depesche.bench.pages_urls"
