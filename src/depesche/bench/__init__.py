"""Benchmarks run by `depesche bench …`: they print figures as JSON, they are not tests."""
