from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`depesche bench …`: an app only for its command (no models, never imported by another)."""

    name = "depesche.bench"
    label = "bench"
    verbose_name = "Benchmarks"
