from django.urls import path

from jubao.intake.staff_views import reply

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/act/<slug:transition>/", views.act, name="act"),
    path("cases/<str:number>/reports/<str:tracking_number>/reply/", reply, name="reply"),
]
