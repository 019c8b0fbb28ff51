from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "depesche.newsroom"
    label = "newsroom"
    verbose_name = _("Redaktion")

    def ready(self) -> None:
        from depesche.newsroom import receivers

        receivers.connect()
