from django.urls import path

from jubao.feedback.public_views import reporter_letter

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.submit, name="submit"),
    path("report/receipt/", views.receipt, name="receipt"),
    path("followup/", views.login, name="login"),
    path("followup/report/", views.followup, name="followup"),
    path("followup/logout/", views.logout, name="logout"),
    path("followup/letter/", reporter_letter, name="letter"),
    path("display/", views.display, name="display"),
]
