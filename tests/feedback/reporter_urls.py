"""The project's URLs plus the reporter's letter download, mounted the way the report proposes to the lead."""

from django.urls import path

from jubao.feedback.public_views import reporter_letter
from jubao.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("followup/letter/", reporter_letter, name="feedback_reporter_letter"), *project_urlpatterns]
