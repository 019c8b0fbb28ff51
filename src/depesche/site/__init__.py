"""The composition root: the only package that imports every app.

It holds the root URLconf (site/urls.py) and the `depesche` command's wiring (site/cli.py). No
app imports it; apps are wired together here, through settings (INSTALLED_APPS, strings) and
through the registries and signals the lower apps own.
"""
