"""Open311 GeoReport v2, mounted at /open311/v2/: every resource takes a .xml or .json suffix."""

from django.urls import re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.request_collection, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+)" + FMT, views.request_detail, name="request"),
]
