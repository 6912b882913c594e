from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/act/<slug:transition>/", views.act, name="act"),
]
