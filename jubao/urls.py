from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from jubao.api import api

admin.site.site_header = "Jubao 举报"
admin.site.site_title = "Jubao"

urlpatterns = [
    # The public portal takes "/" with the intake work; until then staff land on their queue.
    path("", RedirectView.as_view(pattern_name="cases:queue", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("jubao.cases.urls")),
    path("staff/account/", include("jubao.accounts.urls")),
    path("staff/inbox/", include("jubao.notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
