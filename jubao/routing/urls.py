from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("explain/", views.explain, name="explain"),
    path("queue/", views.queue, name="queue"),
]
