"""The Wagtail admin toolkit every app's admin views share; it knows no domain.

- `export`: spreadsheet exports (CSV/XLSX) with formulas neutralised and times in Berlin time.
- `listing`: listings that page stably and columns that hide a value (masking).
- `permissions`: permission checks that answer a plain 403, and a page view that checks one
  permission before it loads anything.
- `viewsets`: a read-only ModelViewSet (index, results, inspect; no add, edit or delete URLs).
"""
