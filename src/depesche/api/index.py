"""/api/: what the API offers, read from its own OpenAPI document, so that a new endpoint is
listed without anyone remembering to add it here."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI

from depesche.api.conditional import conditional_json
from depesche.api.schemas import ApiIndexOut, EndpointOut


@cache  # the operations are fixed once the URLconf is loaded; the schema takes milliseconds
def api_index(api: NinjaAPI) -> ApiIndexOut:
    root = api.get_root_path({})
    paths = api.get_openapi_schema()["paths"]
    namespace = api.urls_namespace
    return ApiIndexOut(
        name=api.title,
        version=api.version,
        description=api.description or "",
        endpoints=[
            EndpointOut(
                method=method.upper(),
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
            )
            for path, operations in paths.items()
            if path != root  # the index itself
            for method, operation in operations.items()
        ],
        openapi_url=reverse(f"{namespace}:openapi-json"),
        docs_url=reverse(f"{namespace}:openapi-view"),
    )


def add_index(api: NinjaAPI) -> None:
    """Answer the API's root with api_index(api): its operations need the API object, which
    only exists where the routers are put together (urls.py)."""

    @api.get(
        "/",
        response={200: ApiIndexOut, 304: None},
        summary="Übersicht / index",
        description="The endpoints of this API, the OpenAPI document and the documentation.",
    )
    def index(request: HttpRequest) -> HttpResponse:
        return conditional_json(request, api_index(api), last_modified=None)
