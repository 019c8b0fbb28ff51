"""The root URLconf (settings.ROOT_URLCONF): every app's URLs in one place."""

from django.apps import apps
from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from depesche.api.urls import api_urls
from depesche.core.security import (
    RateLimitedFrontendLoginView,
    RateLimitedLoginView,
    RateLimitedPasswordResetView,
    media_file,
    rate_limited_document_password,
    rate_limited_page_password,
)
from depesche.newsroom import views as newsroom_views
from depesche.readership import views as readership_views

urlpatterns = [
    # Wagtail's login with failed attempts limited per IP and username (core/security.py).
    # Before Wagtail's admin URLs, which wrap theirs in never_cache: so do these.
    path("admin/login/", never_cache(RateLimitedLoginView.as_view())),
    path("admin/password_reset/", never_cache(RateLimitedPasswordResetView.as_view())),
    path("admin/", include(wagtailadmin_urls)),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        rate_limited_document_password,
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("thema/<str:slug>/", newsroom_views.tag_page, name="tag"),
    path("autoren/<slug:slug>/", newsroom_views.author_page, name="author"),
    path("zaehler/<int:article_id>.gif", readership_views.view_counter, name="view-counter"),
    path("", include("depesche.audience.urls")),
    path("", include("depesche.podcast.urls")),
    path("", include("depesche.distribution.urls")),
    path("", include("depesche.ads.urls")),
    path("", include("depesche.sitesearch.urls")),
    # Agency push delivery (machine clients, bearer token).
    path("", include("depesche.wire.urls")),
    path("api/", api_urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.MAIL_CATCHER and apps.is_installed("depesche.demo"):
    # The demo's mail catcher: only where the demo app is installed (never under the
    # production settings), and there only when it is switched on.
    urlpatterns += [path("_mail/", include("depesche.demo.urls"))]

if settings.SERVE_MEDIA:
    # Not documents (media_file refuses them): those of a private collection are read only
    # through Wagtail's document view (/documents/<id>/<name>), which asks for the collection's
    # password or login.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media_file)]

if settings.ANYMAIL["WEBHOOK_SECRET"]:
    # The email service's tracking webhooks (bounces, complaints, unsubscribes).
    urlpatterns += [path("anymail/", include("anymail.urls"))]

urlpatterns += [
    path("_util/login/", RateLimitedFrontendLoginView.as_view()),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        rate_limited_page_password,
    ),
    path("", include(wagtail_urls)),
]

handler404 = "depesche.newsroom.views.not_found"
handler500 = "depesche.newsroom.views.server_error"
