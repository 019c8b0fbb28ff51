from django.urls import path

from depesche.audience import views

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
]
