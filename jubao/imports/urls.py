from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/columns/", views.mapping, name="map"),
    path("<uuid:public_id>/start/", views.start, name="start"),
    path("<uuid:public_id>/rejected.csv", views.rejected_csv, name="rejected_csv"),
    path("<uuid:public_id>/rejected.xlsx", views.rejected_xlsx, name="rejected_xlsx"),
]
