from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "depesche.distribution"
    label = "distribution"
    verbose_name = _("Verbreitung")
    default_auto_field = "django.db.models.BigAutoField"
