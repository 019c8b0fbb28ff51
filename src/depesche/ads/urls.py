from django.urls import path

from depesche.ads import views

app_name = "ads"
urlpatterns = [
    path("anzeige/<str:token>/", views.ad_click, name="click"),
    path("anzeige/<str:token>/e.gif", views.ad_impression, name="impression"),
]
