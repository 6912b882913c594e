"""Request types for views behind login: `request.user` is a staff User there, never anonymous."""

from django.http import HttpRequest

from .models import User


class StaffRequest(HttpRequest):
    user: User  # type: ignore[assignment]
