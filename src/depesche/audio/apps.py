from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudioConfig(AppConfig):
    name = "depesche.audio"
    label = "audio"
    verbose_name = _("Audio")

    def ready(self) -> None:
        from depesche.audio import receivers

        receivers.connect()
