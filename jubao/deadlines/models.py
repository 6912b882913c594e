"""Policy packs, the official working-day calendar, and the deadlines each case is held to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_MONTHS = "calendar_months", _("calendar months")


class Stage(models.TextChoices):
    TRIAGE = "triage", _("Triage")
    SUPPLEMENT = "supplement", _("Supplement from reporter")
    ACCEPTANCE = "acceptance", _("Acceptance decision")
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Notice of acceptance")
    DISPATCH = "dispatch", _("Dispatch")
    RETURN_WINDOW = "return_window", _("Objection to a misrouted dispatch")
    RESPONSE = "response", _("Start of handling")
    CONCLUSION = "conclusion", _("Conclusion")
    FEEDBACK = "feedback", _("Feedback to reporter")
    RESULT_NOTICE = "result_notice", _("Notice of result")
    REVIEW_APPLICATION = "review_application", _("Window to ask for review")
    REVIEW = "review", _("Review decision")
    ONLINE_RESPONSE = "online_response", _("Online response")
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement")
    MEDIATION = "mediation", _("Mediation")


class Light(models.TextChoices):
    GREEN = "green", _("green")
    YELLOW = "yellow", _("yellow")
    ORANGE = "orange", _("orange")
    RED = "red", _("red")


LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.ORANGE: 2, Light.RED: 3}


class PolicyPack(models.Model):
    """A rule set (default, 信访工作条例, 纪检监察 …): which stages and deadlines apply."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    is_default = models.BooleanField(_("default pack"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy pack")
        verbose_name_plural = _("policy packs")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_policy_pack"),
        ]

    def __str__(self) -> str:
        return self.name


class DeadlinePolicy(models.Model):
    """One deadline rule. Empty conditions match anything; the most specific matching row wins."""

    pack = models.ForeignKey(PolicyPack, verbose_name=_("policy pack"), on_delete=models.CASCADE,
                             related_name="policies")
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices)
    kind_code = models.CharField(_("kind"), max_length=30, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, blank=True)
    real_name_only = models.BooleanField(_("real-name reporters only"), default=False)
    length = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    start_event = models.CharField(_("start event"), max_length=40)
    extension_length = models.PositiveIntegerField(_("allowed extension"), default=0)
    extension_unit = models.CharField(_("extension unit"), max_length=20, choices=Unit.choices, blank=True)
    pause_conditions = models.JSONField(_("pause conditions"), default=list, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=255, blank=True)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["pack", "stage", "-effective_from"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="policy_stage_valid"),
            models.CheckConstraint(condition=models.Q(unit__in=Unit.values), name="policy_unit_valid"),
            models.CheckConstraint(
                condition=models.Q(extension_unit__in=[*Unit.values, ""]), name="policy_extension_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack.code}/{self.stage}: {self.length} {self.get_unit_display()}"

    def specificity(self) -> int:
        return sum(bool(v) for v in (self.kind_code, self.grade, self.urgency)) + int(self.real_name_only)


class CalendarYear(models.Model):
    """A year whose official holidays and make-up working days are known.

    Days outside every known year follow the plain weekend rule and make any deadline
    that depends on them provisional. `version` rises with every edit of the year.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.CharField(_("source"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return f"{self.year} (v{self.version})"


class CalendarDay(models.Model):
    """An exception to the weekend rule: a 法定节假日 off a weekday, or a 调休 working weekend day."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.is_working else 'off'} {self.name}"


class DeadlineStatus(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    CANCELLED = "cancelled", _("cancelled")


class CaseDeadline(models.Model):
    """A deadline a case is held to, with the rule and calendar version that produced it.

    The light thresholds are stored so that the sweeper only looks at rows whose
    `next_light_at` has passed (a partial index over running rows).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.RUNNING)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    yellow_at = models.DateTimeField()
    orange_at = models.DateTimeField()
    red_at = models.DateTimeField()
    next_light_at = models.DateTimeField(null=True)
    light = models.CharField(max_length=10, choices=Light.choices, default=Light.GREEN)
    overdue = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    extension_reason = models.TextField(blank=True)
    provisional = models.BooleanField(default=False)
    calendar_version = models.CharField(max_length=120, blank=True)
    rule = models.CharField(max_length=255)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DeadlineStatus.values), name="deadline_status_valid"),
            models.CheckConstraint(condition=models.Q(light__in=Light.values), name="deadline_light_valid"),
            models.UniqueConstraint(
                fields=["case", "stage"], condition=models.Q(status__in=["running", "paused"]),
                name="one_open_deadline_per_stage",
            ),
        ]
        indexes = [
            models.Index(fields=["next_light_at"], condition=models.Q(status="running"), name="deadline_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED)

    @property
    def met_late(self) -> bool:
        return self.completed_at is not None and self.completed_at > self.due_at
