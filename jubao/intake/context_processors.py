from django.conf import settings
from django.http import HttpRequest

from .views import LARGE_TEXT_COOKIE


def portal(request: HttpRequest) -> dict:
    return {
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1",
        "portal_languages": settings.PORTAL_LANGUAGES,
        "staff_languages": settings.STAFF_LANGUAGES,
    }
