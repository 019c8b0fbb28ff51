"""`/_mail/`: the mail catcher's inbox. Routed by the site's URLconf only where the demo app is
installed (demo and dev settings) and the mail catcher is on."""

from django.urls import path

from depesche.demo import views

urlpatterns = [
    path("", views.inbox, name="mail-inbox"),
    path("<str:mail_id>/", views.message, name="mail-message"),
]
