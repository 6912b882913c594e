"""The duplicate index: one signature row per report and the lookup keys that point at it.

Both tables are derived data — `manage.py reindex_duplicates` rebuilds them from the reports —
so the report link has no database constraint: the index can be bulk-loaded and rebuilt without
locking `cases_report`, and a lookup joins to the live report and case, which drops any stale row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSignature(models.Model):
    """What a lookup needs to score a candidate report without reading its text."""

    report = models.OneToOneField("cases.Report", primary_key=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, related_name="+", verbose_name=_("report"))
    created_at = models.DateTimeField(_("received at"))
    version = models.CharField(_("signature version"), max_length=20)
    # MinHash values, little-endian uint32; empty when the text has no letters or digits.
    minhash = models.BinaryField(_("MinHash signature"), default=b"")
    shingle_count = models.PositiveIntegerField(_("distinct 3-grams"), default=0)
    region_path = models.CharField(_("region path"), max_length=255, blank=True)
    address_key = models.BigIntegerField(_("address key"), null=True, blank=True)
    subject_key = models.BigIntegerField(_("subject key"), null=True, blank=True)
    # Keys derived from the vault's keyed hashes (little-endian int64s); never the identity itself.
    reporter_keys = models.BinaryField(_("reporter keys"), default=b"")

    class Meta:
        verbose_name = _("report signature")
        verbose_name_plural = _("report signatures")

    def __str__(self) -> str:
        return f"signature of report {self.report_id}"


class IndexKey(models.Model):
    """One lookup key of one report: an LSH band of its text, its subject or one of its reporter keys.

    The primary key (band_key, day, report_id) is the only index: a lookup is one range scan per
    key over the window, answered from the index alone. `day` counts days since 1970-01-01 UTC.
    """

    pk = models.CompositePrimaryKey("band_key", "day", "report_id")
    band_key = models.BigIntegerField(_("key"))
    day = models.IntegerField(_("day received"))
    report_id = models.BigIntegerField(_("report"))

    class Meta:
        verbose_name = _("duplicate index key")
        verbose_name_plural = _("duplicate index keys")

    def __str__(self) -> str:
        return f"{self.band_key}@{self.day}→{self.report_id}"
