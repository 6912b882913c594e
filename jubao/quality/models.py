"""Quality of handling: the handler's self-review, the monthly retrospective sample (回头看) and the monthly
"two lows, one high" (两低一高) department flags."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import _choices_check


class SelfReviewStatus(models.TextChoices):
    OPEN = "open", _("To fill in")
    DONE = "done", _("Filled in")


class SelfReview(models.Model):
    """The handler's review of their own conclusion (《信访质量复盘表》), due 5 working days after it.

    Opened by a listener on the "conclude" transition; `due_at` is stored and indexed, and a periodic sweep sets
    `overdue` once (the department head's list shows overdue ones).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="self_reviews")
    department = models.ForeignKey("organisation.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                help_text=_("The handler who signed for the case; empty: any handler of the "
                                            "department may fill it in."))
    concluded_at = models.DateTimeField(_("concluded at"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=SelfReviewStatus.choices,
                              default=SelfReviewStatus.OPEN)
    overdue = models.BooleanField(_("overdue"), default=False)
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    facts_complete = models.BooleanField(_("facts established completely"), null=True, blank=True)
    legal_basis_correct = models.BooleanField(_("legal basis applied correctly"), null=True, blank=True)
    demands_answered = models.BooleanField(_("reporter's demands answered"), null=True, blank=True)
    improvements = models.TextField(_("what to improve"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filled in by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("filled in at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-concluded_at", "-id"]
        verbose_name = _("self-review")
        verbose_name_plural = _("self-reviews")
        constraints = [
            _choices_check("status", SelfReviewStatus, "quality_selfreview_status_valid"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="open"),
                                    name="quality_one_open_selfreview_per_case"),
        ]
        indexes = [
            # The overdue sweep reads only open rows not yet flagged, earliest due first.
            models.Index(fields=["due_at"], condition=models.Q(status="open", overdue=False),
                         name="quality_selfreview_sweep"),
            models.Index(fields=["department", "status", "due_at"], name="quality_selfreview_dept"),
        ]

    def __str__(self) -> str:
        return f"self-review {self.case_id} due {self.due_at:%Y-%m-%d}"

    @property
    def answers(self) -> list[tuple[str, bool | None]]:
        return [(str(cast("models.Field[Any, Any]", self._meta.get_field(name)).verbose_name), getattr(self, name))
                for name in ("facts_complete", "legal_basis_correct", "demands_answered")]


class RetrospectiveSample(models.Model):
    """One month's random sample of answered or closed cases in one jurisdiction (回头看).

    The draw is a pure function of the sorted case numbers, `seed` and `rate` (jubao.quality.sampling.draw), so it
    can be reproduced; `population_digest` is the SHA-256 of the sorted numbers it was drawn from.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.DateField(_("month"), help_text=_("The first day of the month the cases were answered or "
                                                     "closed in."))
    jurisdiction = models.ForeignKey("organisation.Region", verbose_name=_("jurisdiction"),
                                     on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField(_("seed"))
    rate_percent = models.PositiveSmallIntegerField(_("sampling rate (%)"))
    population = models.PositiveIntegerField(_("cases in the population"))
    size = models.PositiveIntegerField(_("cases drawn"))
    population_digest = models.CharField(_("population digest"), max_length=64)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.CharField(_("drawn by"), max_length=100)

    class Meta:
        ordering = ["-period", "jurisdiction__path"]
        verbose_name = _("retrospective sample")
        verbose_name_plural = _("retrospective samples")
        constraints = [
            models.UniqueConstraint(fields=["period", "jurisdiction"], name="quality_one_sample_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.jurisdiction_id}"


class RetrospectiveStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    REVIEWED = "reviewed", _("Reviewed")


class RetrospectiveResult(models.TextChoices):
    PASS = "pass", _("Pass")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
    FAIL = "fail", _("Fail")


SCORE_FIELDS = ("score_classification", "score_timeliness", "score_substance", "score_legality")
SCORE_MIN, SCORE_MAX = 1, 5


def _score_check(name: str) -> models.CheckConstraint:
    condition = models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gte": SCORE_MIN,
                                                                   f"{name}__lte": SCORE_MAX})
    return models.CheckConstraint(condition=condition, name=f"quality_retro_{name}_range")


class RetrospectiveItem(models.Model):
    """One sampled case and the supervisor's retrospective review of it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sample = models.ForeignKey(RetrospectiveSample, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="retrospectives")
    department = models.ForeignKey("organisation.Department", verbose_name=_("lead department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RetrospectiveStatus.choices,
                              default=RetrospectiveStatus.PENDING)
    score_classification = models.PositiveSmallIntegerField(_("classification"), null=True, blank=True)
    score_timeliness = models.PositiveSmallIntegerField(_("timeliness"), null=True, blank=True)
    score_substance = models.PositiveSmallIntegerField(_("substance of the answer"), null=True, blank=True)
    score_legality = models.PositiveSmallIntegerField(_("legality"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=RetrospectiveResult.choices, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "case__number"]
        verbose_name = _("retrospective review")
        verbose_name_plural = _("retrospective reviews")
        constraints = [
            _choices_check("status", RetrospectiveStatus, "quality_retro_status_valid"),
            _choices_check("result", RetrospectiveResult, "quality_retro_result_valid", blank=True),
            models.UniqueConstraint(fields=["sample", "case"], name="quality_retro_case_once_per_sample"),
            *(_score_check(name) for name in SCORE_FIELDS),
        ]
        indexes = [models.Index(fields=["status", "sample"], name="quality_retro_status")]

    def __str__(self) -> str:
        return f"retrospective {self.case_id}"

    @property
    def scores(self) -> list[tuple[str, int | None]]:
        return [(str(cast("models.Field[Any, Any]", self._meta.get_field(name)).verbose_name), getattr(self, name))
                for name in SCORE_FIELDS]


class DepartmentFlag(models.Model):
    """A department's figures for one month and its 两低一高 flags (see jubao.quality.figures for the definitions
    and jubao.quality.flags for the thresholds). `two_low_one_high` is set when all three are flagged."""

    period = models.DateField(_("month"))
    department = models.ForeignKey("organisation.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    concluded = models.PositiveIntegerField(_("cases concluded"), default=0)
    verified = models.PositiveIntegerField(_("substantiated or partly"), default=0)
    repeats = models.PositiveIntegerField(_("repeat cases"), default=0)
    rated = models.PositiveIntegerField(_("ratings"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied or basically satisfied"), default=0)
    verification_rate = models.FloatField(_("verification rate"), null=True, blank=True)
    satisfaction_rate = models.FloatField(_("satisfaction rate"), null=True, blank=True)
    repeat_rate = models.FloatField(_("repeat rate"), null=True, blank=True)
    low_verification = models.BooleanField(_("low verification rate"), default=False)
    low_satisfaction = models.BooleanField(_("low satisfaction rate"), default=False)
    high_repeat = models.BooleanField(_("high repeat rate"), default=False)
    two_low_one_high = models.BooleanField(_("two lows, one high"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-period", "department__name"]
        verbose_name = _("department quality flag")
        verbose_name_plural = _("department quality flags")
        constraints = [
            models.UniqueConstraint(fields=["period", "department"], name="quality_one_flag_row_per_month"),
        ]
        indexes = [models.Index(fields=["period", "two_low_one_high"], name="quality_flag_period")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.department_id}"

    @property
    def flag_count(self) -> int:
        return int(self.low_verification) + int(self.low_satisfaction) + int(self.high_repeat)


class PeriodRun(models.Model):
    """Marks a periodic computation as done for a period, so the hourly job costs one lookup once it has run."""

    kind = models.CharField(max_length=40)
    period = models.DateField()
    finished_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="quality_one_run_per_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}"
