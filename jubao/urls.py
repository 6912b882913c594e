from django.contrib import admin
from django.urls import include, path

from jubao.api import api

admin.site.site_header = "Jubao 举报"
admin.site.site_title = "Jubao"

urlpatterns = [
    path("", include("jubao.intake.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("jubao.cases.urls")),
    path("staff/attachments/", include("jubao.attachments.urls")),
    path("staff/imports/", include("jubao.imports.urls")),
    path("staff/registrations/", include("jubao.registration.urls")),
    path("staff/triage/", include("jubao.triage.urls")),
    path("staff/routing/", include("jubao.routing.urls")),
    path("staff/supervision/", include("jubao.supervision.urls")),
    path("staff/handling/", include("jubao.handling.urls")),
    path("staff/investigation/", include("jubao.investigation.urls")),
    path("staff/feedback/", include("jubao.feedback.urls")),
    path("staff/quality/", include("jubao.quality.urls")),
    path("open311/v2/", include("jubao.open311.urls")),
    path("staff/account/", include("jubao.accounts.urls")),
    path("staff/inbox/", include("jubao.notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
