from django.http import HttpRequest

from .services import notifications_unread_count


def unread(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": notifications_unread_count(user)}
