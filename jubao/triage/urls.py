from django.urls import path

from . import views

app_name = "triage"
urlpatterns = [
    path("cases/<str:number>/<slug:step>/accept/", views.accept, name="accept"),
    path("cases/<str:number>/<slug:step>/override/", views.override, name="override"),
    path("cases/<str:number>/supplement/", views.request_supplement, name="supplement"),
    path("emergencies/", views.emergencies, name="emergencies"),
    path("emergencies/<uuid:public_id>/end/", views.emergency_finish, name="emergency_end"),
    path("models/", views.models, name="models"),
    path("models/train/", views.model_train, name="model_train"),
    path("models/<uuid:public_id>/activate/", views.model_activate, name="model_activate"),
]
