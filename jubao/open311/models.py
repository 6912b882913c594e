"""Open311 GeoReport v2: the API keys of client applications and what each request brought in
beyond the report itself (the service chosen, the address id, the media link)."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Open311ApiKey(models.Model):
    """A key for one client application. Only a SHA-256 of the secret is stored (like API tokens);
    `manage.py open311_key NAME` prints the secret once."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    default_region = models.ForeignKey(
        "organisation.Region", verbose_name=_("default region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where reports sent with this key are filed unless jurisdiction_id names another region."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class Open311Request(models.Model):
    """One report received through POST requests.{fmt}. Only these reports are readable through
    the public GET requests endpoints; the reporter's identity is never stored here."""

    report = models.OneToOneField("cases.Report", on_delete=models.PROTECT, related_name="open311")
    api_key = models.ForeignKey(Open311ApiKey, on_delete=models.PROTECT, related_name="requests")
    category = models.ForeignKey("taxonomy.Category", on_delete=models.PROTECT, related_name="+")
    jurisdiction_id = models.CharField(max_length=100, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    # Kept for staff (it is also a line of the report text); never published through the GET endpoints.
    media_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"open311:{self.report_id}"

    @property
    def service_code(self) -> str:
        return f"c{self.category_id}"
