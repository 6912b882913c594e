from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.enter, name="enter"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/check/", views.check, name="check"),
    path("<uuid:public_id>/resolve/", views.resolve, name="resolve"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
]
