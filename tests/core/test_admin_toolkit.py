"""core.admin: the toolkit every app's admin views share (exports, listings, permissions,
the read-only viewset). The readers' and outbox admins test it in use; these pin its rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.admin.ui.tables import Column

from depesche.audience.models import ConsentRecord, Subscriber
from depesche.core.admin.export import CSV, SAFE_VALUE_PREPROCESS, XLSX, csv_safe
from depesche.core.admin.listing import columns_masked, with_tiebreak
from depesche.core.admin.permissions import PermissionRequiredAdminView, forbidden
from depesche.core.admin.viewsets import ReadOnlyModelViewSet


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_safe_neutralises_formula_starts(start):
    assert csv_safe(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize("value", ["", "anna@example.org", "Nordlicht AG: Winter", "1+1"])
def test_csv_safe_leaves_plain_text_alone(value):
    assert csv_safe(value) == value


def test_value_preprocess_neutralises_text_in_csv_only():
    assert SAFE_VALUE_PREPROCESS[str] == {CSV: csv_safe}
    assert XLSX not in SAFE_VALUE_PREPROCESS[str]


def test_with_tiebreak_adds_pk_only_to_an_explicit_ordering(db):
    ordered = with_tiebreak(ConsentRecord.objects.order_by("-occurred_at"))
    assert ordered.query.order_by == ("-occurred_at", "-pk")
    unordered = ConsentRecord.objects.all()
    assert with_tiebreak(unordered).query.order_by == ()


def test_columns_masked_swaps_the_accessor_unsortable_and_drops_hidden_columns():
    columns = [
        Column("email", label="E-Mail", sort_key="email"),
        Column("ip", label="IP"),
        Column("status", label="Status", sort_key="status"),
    ]
    masked = columns_masked(columns, masked={"email": lambda row: "a…@x"}, hidden=("ip",))
    assert [column.name for column in masked] == ["email", "status"]
    email = masked[0]
    assert email.sort_key is None and email.get_value(SimpleNamespace(email="anna@x")) == "a…@x"
    assert columns[0].sort_key == "email"  # the viewset's own column is untouched
    assert masked[1] is columns[2]


def test_forbidden_is_a_plain_403():
    response = forbidden("Es fehlt die Berechtigung.")
    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Es fehlt die Berechtigung."


class _Probe(PermissionRequiredAdminView):
    permission_required = "audience.erase_reader"
    loaded: list[int] = []

    def load(self, **kwargs):
        self.loaded.append(kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return HttpResponse("ok")


def test_permission_is_checked_before_anything_is_loaded(django_user_model):
    user = django_user_model.objects.create_user("redakteur", password="x")
    request = RequestFactory().get("/")
    request.user = user
    _Probe.loaded = []
    with pytest.raises(PermissionDenied):
        _Probe.as_view()(request, pk=7)
    assert _Probe.loaded == []
    user.user_permissions.add(Permission.objects.get(codename="erase_reader"))
    request.user = django_user_model.objects.get(pk=user.pk)  # fresh permission cache
    assert _Probe.as_view()(request, pk=7).content == b"ok"
    assert _Probe.loaded == [7]


def test_read_only_viewset_routes_no_writes_and_offers_only_its_permissions(db):
    viewset = ReadOnlyModelViewSet(
        name="probe", model=Subscriber, extra_permission_codenames=("erase_reader",)
    )
    names = {pattern.name for pattern in viewset.get_urlpatterns()}
    assert names == {"index", "index_results", "inspect"}
    codenames = set(viewset.get_permissions_to_register().values_list("codename", flat=True))
    assert codenames == {"view_subscriber", "erase_reader"}
