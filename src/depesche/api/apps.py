from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "depesche.api"
    label = "depesche_api"
    verbose_name = _("JSON-API")
