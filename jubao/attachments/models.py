"""Files attached to reports: evidence, stored encrypted with its metadata stripped.

The row holds everything needed to prove what was received (the SHA-256 of the bytes as
uploaded) and to open what is stored (the wrapped data key); the stored file itself is an
opaque ciphertext under a random name, so neither the storage bucket nor a database dump
alone reveals a photo or the name the reporter gave it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.audit.models import ActorKind


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Photo")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio recording")
    PDF = "pdf", _("PDF")
    DOCUMENT = "document", _("Document")


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey("cases.Report", verbose_name=_("report"), on_delete=models.PROTECT,
                               related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    # Shown to staff, so sanitised (basename, no control or bidi characters); never put into logs.
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), help_text=_("Bytes stored, after metadata removal."))
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64,
                                       help_text=_("Of the bytes exactly as uploaded: the evidence hash."))
    stored_sha256 = models.CharField(_("SHA-256 of the stored file"), max_length=64)
    # Names of what was removed ("exif:GPSInfo", "pdf:/Author"), never the values.
    metadata_removed = models.JSONField(_("metadata removed"), default=list, blank=True)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    algorithm = models.CharField(max_length=20, editable=False)
    key_id = models.CharField(max_length=64, editable=False)
    wrapped_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    uploaded_by_kind = models.CharField(_("uploaded by"), max_length=10, choices=ActorKind.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"),
            models.CheckConstraint(condition=models.Q(uploaded_by_kind__in=ActorKind.values),
                                   name="attachment_uploader_kind_valid"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)
