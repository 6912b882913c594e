from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.self_reviews, name="self_reviews"),
    path("self-reviews/<uuid:public_id>/", views.self_review_fill, name="self_review_fill"),
    path("retrospectives/", views.retrospectives, name="retrospectives"),
    path("retrospectives/<uuid:public_id>/review/", views.retrospective_review, name="retrospective_review"),
    path("flags/", views.flags, name="flags"),
]
