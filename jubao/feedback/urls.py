from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("cases/<str:number>/answer/", views.answer, name="answer"),
    path("cases/<str:number>/letters/<int:version>/", views.letter, name="letter"),
    path("cases/<str:number>/review/reviewer/", views.review_reviewer, name="review_reviewer"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<uuid:public_id>/", views.template_edit, name="template_edit"),
    path("followups/", views.followups, name="followups"),
    path("followups/<uuid:public_id>/", views.followup, name="followup"),
    path("followups/<uuid:public_id>/send/", views.followup_send, name="followup_send"),
]
