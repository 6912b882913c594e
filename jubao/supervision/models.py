"""Supervision notices (督办单) with their own deadlines, and the quarterly green / yellow / red department ratings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import _choices_check


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the department's reply")
    REPLIED = "replied", _("Reply awaiting decision")
    ACCEPTED = "accepted", _("Reply accepted")


class SupervisionNotice(models.Model):
    """A supervisor's notice to a case's lead department: what is wrong, what is demanded, by when.

    The department replies; the supervisor accepts the reply (the notice is done) or rejects it with a note and a
    new due date (the department replies again). `due_at` is stored and indexed; a periodic sweep sets `overdue`
    (once) on notices not replied to in time.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="supervision_notices")
    department = models.ForeignKey("organisation.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="supervision_notices")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    reason = models.TextField(_("reason"))
    demands = models.TextField(_("demands"))
    due_in_days = models.PositiveSmallIntegerField(_("reply within (working days)"))
    due_at = models.DateTimeField(_("reply due by"))
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    overdue = models.BooleanField(_("overdue"), default=False)
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    rejections = models.PositiveSmallIntegerField(_("replies rejected"), default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        constraints = [
            _choices_check("status", NoticeStatus, "supervision_notice_status_valid"),
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=["open", "replied"]),
                                    name="supervision_one_running_notice_per_case"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(status="open", overdue=False),
                         name="supervision_notice_sweep"),
            models.Index(fields=["department", "status"], name="supervision_notice_dept"),
            models.Index(fields=["status", "overdue", "-due_at"], name="supervision_notice_status"),
        ]

    def __str__(self) -> str:
        return f"notice {self.public_id} on {self.case_id}"

    @property
    def is_running(self) -> bool:
        return self.status in (NoticeStatus.OPEN, NoticeStatus.REPLIED)


class RatingColour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    GREY = "grey", _("Not enough cases")


COLOUR_ORDER = {RatingColour.GREEN: 0, RatingColour.YELLOW: 1, RatingColour.RED: 2, RatingColour.GREY: 3}


class DepartmentRating(models.Model):
    """A department's quarter: its figures (jubao.quality.figures), a colour per figure and overall (the worst of
    the figures judged; see jubao.supervision.ratings for the bands), and its place in the ranking."""

    period = models.DateField(_("quarter"), help_text=_("The first day of the quarter."))
    department = models.ForeignKey("organisation.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="+")
    deadlines = models.PositiveIntegerField(_("deadlines due"), default=0)
    on_time = models.PositiveIntegerField(_("met on time"), default=0)
    rated = models.PositiveIntegerField(_("ratings"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied or basically satisfied"), default=0)
    concluded = models.PositiveIntegerField(_("cases concluded"), default=0)
    repeats = models.PositiveIntegerField(_("repeat cases"), default=0)
    on_time_rate = models.FloatField(_("on-time rate"), null=True, blank=True)
    satisfaction_rate = models.FloatField(_("satisfaction rate"), null=True, blank=True)
    repeat_rate = models.FloatField(_("repeat rate"), null=True, blank=True)
    on_time_colour = models.CharField(_("on-time"), max_length=6, choices=RatingColour.choices)
    satisfaction_colour = models.CharField(_("satisfaction"), max_length=6, choices=RatingColour.choices)
    repeat_colour = models.CharField(_("repeats"), max_length=6, choices=RatingColour.choices)
    colour = models.CharField(_("flag"), max_length=6, choices=RatingColour.choices)
    rank = models.PositiveIntegerField(_("rank"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-period", "rank"]
        verbose_name = _("department rating")
        verbose_name_plural = _("department ratings")
        constraints = [
            *(_choices_check(name, RatingColour, f"supervision_rating_{name}_valid")
              for name in ("on_time_colour", "satisfaction_colour", "repeat_colour", "colour")),
            models.UniqueConstraint(fields=["period", "department"], name="supervision_one_rating_per_quarter"),
        ]
        indexes = [models.Index(fields=["period", "rank"], name="supervision_rating_rank")]

    def __str__(self) -> str:
        return f"{self.period} {self.department_id} {self.colour}"
