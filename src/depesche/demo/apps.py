from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "depesche.demo"
    label = "demo"
    verbose_name = "Demo"
