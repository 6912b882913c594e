from django.urls import path

from . import views

app_name = "handling"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("departments/", views.departments, name="departments"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("cases/<str:number>/<slug:action>/", views.act, name="act"),
    path("cases/<str:number>/<slug:action>/<uuid:task>/", views.act, name="task_act"),
]
