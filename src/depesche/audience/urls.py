from django.urls import path

from depesche.audience import push_views, views

app_name = "audience"

urlpatterns = [
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/danke/", views.thanks, name="thanks"),
    path("newsletter/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("abo/", views.preferences, name="preferences"),
    path("abo/aendern/", views.preference_update, name="preference-update"),
    path("abo/meine-daten.json", views.data_export, name="data-export"),
    path("abo/link/<str:token>/", views.preference_link, name="preference-link"),
    path("abo/abmelden/<str:token>/", views.one_click, name="one-click"),
    path("abo/folgen/<str:slug>/", views.follow, name="follow"),
    path("abo/folgen/<str:slug>/anmelden/", views.follow_signup, name="follow-signup"),
    # After the tag's, which stay as they were: a tag "autor" keeps its sign-up page, so an
    # author whose slug is "anmelden" could only follow through the sign-up form.
    path("abo/folgen/autor/<str:slug>/", views.follow_author, name="follow-author"),
    path(
        "abo/folgen/autor/<str:slug>/anmelden/",
        views.follow_author_signup,
        name="follow-author-signup",
    ),
    path("push/", push_views.manage, name="push"),
    path("push/subscribe/", push_views.subscribe, name="push-subscribe"),
    path("push/unsubscribe/", push_views.unsubscribe, name="push-unsubscribe"),
    path("push/renew/", push_views.renew, name="push-renew"),
    path("push/themen/", push_views.topics, name="push-topics"),
    path("sw.js", push_views.service_worker, name="service-worker"),
]
