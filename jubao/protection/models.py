"""The identity vault: reporter identities stored only as envelope-encrypted documents."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VaultAlgorithm(models.TextChoices):
    AES_256_GCM = "aes-256-gcm", _("AES-256-GCM")
    SM4_GCM = "sm4-gcm", _("SM4-GCM")


class ReporterIdentity(models.Model):
    """One reporter's identity. Staff see only the pseudonym; the identity document is
    encrypted with a per-record data key, which is itself wrapped by a master key kept
    outside the database. Write through `jubao.protection.vault`, never directly."""

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    pseudonym = models.CharField(_("pseudonym"), max_length=32, unique=True, editable=False)
    algorithm = models.CharField(
        _("algorithm"), max_length=16, choices=VaultAlgorithm.choices, default=VaultAlgorithm.AES_256_GCM
    )
    # Indexed so rotation can find rows still wrapped by a retired master key.
    key_id = models.CharField(_("master key ID"), max_length=64, db_index=True)
    wrapped_key = models.BinaryField(_("wrapped data key"))
    ciphertext = models.BinaryField(_("ciphertext"))
    phone_hmac = models.CharField(_("phone keyed hash"), max_length=64, blank=True, db_index=True)
    id_number_hmac = models.CharField(_("ID number keyed hash"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(algorithm__in=VaultAlgorithm.values), name="protection_identity_algorithm_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym
