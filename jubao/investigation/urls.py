from django.urls import path

from . import views

app_name = "investigation"
urlpatterns = [
    path("ownerships/", views.ownerships, name="ownerships"),
    path("reviews/to-sign/", views.to_sign, name="to_sign"),
    path("cases/<str:number>/reviews/", views.review_create, name="review_create"),
    path("reviews/<uuid:review_id>/", views.review_update, name="review_update"),
    path("reviews/<uuid:review_id>/sign/", views.review_sign, name="review_sign"),
    path("cases/<str:number>/notes/", views.note_add, name="note_add"),
    path("cases/<str:number>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<uuid:item_id>/", views.evidence_detail, name="evidence"),
    path("evidence/<uuid:item_id>/file/", views.evidence_file, name="evidence_file"),
    path("cases/<str:number>/site-visits/", views.site_visit_add, name="site_visit_add"),
    path("cases/<str:number>/supplements/", views.supplement_send, name="supplement_send"),
    path("supplements/<uuid:request_id>/close/", views.supplement_close, name="supplement_close"),
    path("cases/<str:number>/ownership/", views.ownership_assign, name="ownership_assign"),
    path("ownerships/<uuid:ownership_id>/progress/", views.ownership_progress, name="ownership_progress"),
    path("ownerships/<uuid:ownership_id>/transfer/", views.ownership_transfer, name="ownership_transfer"),
    path("ownerships/<uuid:ownership_id>/end/", views.ownership_end, name="ownership_end"),
]
