"""Listings: stable paging and columns that hide what a user may not see."""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import QuerySet
from wagtail.admin.ui.tables import Column


def with_tiebreak(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Add "-pk" to an explicit ordering so that equal values keep their place across pages."""
    ordering = queryset.query.order_by
    return queryset.order_by(*ordering, "-pk") if ordering else queryset


def masked_column(column: Column, accessor: Any) -> Column:
    """The same column showing `accessor`'s (masked) value, and not sortable: a sort by the
    hidden value would still leak its order."""
    masked = copy.copy(column)
    masked.accessor = accessor
    masked.sort_key = None
    return masked


def columns_masked(
    columns: list[Column], *, masked: dict[str, Any], hidden: tuple[str, ...] = ()
) -> list[Column]:
    """`columns` with the columns named in `masked` showing their accessor's value instead
    (see masked_column) and the `hidden` ones left out."""
    return [
        masked_column(column, masked[column.name]) if column.name in masked else column
        for column in columns
        if column.name not in hidden
    ]
