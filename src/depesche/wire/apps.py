from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WireConfig(AppConfig):
    name = "depesche.wire"
    label = "wire"
    verbose_name = _("Agenturmeldungen")
    default_auto_field = "django.db.models.BigAutoField"
