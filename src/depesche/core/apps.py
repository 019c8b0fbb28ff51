from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "depesche.core"
    label = "depesche_core"
    verbose_name = "Depesche"
