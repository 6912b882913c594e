from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("notices/", views.notices, name="notices"),
    path("ranking/", views.ranking, name="ranking"),
    path("cases/<str:number>/notices/", views.notice_issue_view, name="notice_issue"),
    path("notices/<uuid:public_id>/reply/", views.notice_reply_view, name="notice_reply"),
    path("notices/<uuid:public_id>/decision/", views.notice_decide_view, name="notice_decide"),
]
