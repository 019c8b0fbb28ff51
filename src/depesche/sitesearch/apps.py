from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteSearchConfig(AppConfig):
    # Not "search": Wagtail's own search app is `wagtail.search` (label "wagtailsearch").
    name = "depesche.sitesearch"
    label = "sitesearch"
    verbose_name = _("Suche")
