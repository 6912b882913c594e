"""Clerk registration with two-person checking (双人复核).

An intake clerk enters a report that arrived by hotline, letter, visit, mailbox or a mobile
service point; a second clerk re-enters the key fields without seeing the first entry; the
report enters triage only when both agree, or when a third decision has settled each
difference. The entered values are never changed afterwards: differences keep both values
and the decision, and the report carries the decided values.

Reporter identity (name, phone, ID number, a letter's sender address) is never stored here:
it goes to the vault at entry and the registration keeps only the identity's foreign key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jubao.cases.models import Channel


class RegistrationChannel(models.TextChoices):
    """The channels on which clerks register reports; each value is a `cases.Channel` value
    (checked by `jubao.registration.checks`), so the report keeps the same channel."""

    HOTLINE = Channel.HOTLINE.value, _("Hotline")
    LETTER = Channel.LETTER.value, _("Letter")
    VISIT = Channel.VISIT.value, _("Visit")
    MAILBOX = Channel.MAILBOX.value, _("Report mailbox")
    MOBILE = Channel.MOBILE.value, _("Mobile service point")


class RegistrationStatus(models.TextChoices):
    AWAITING_CHECK = "awaiting_check", _("Awaiting check")
    DISPUTED = "disputed", _("Disputed")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (RegistrationStatus.AWAITING_CHECK, RegistrationStatus.DISPUTED)


class ContactPreference(models.TextChoices):
    PHONE = "phone", _("By phone")
    SMS = "sms", _("By text message")
    LETTER = "letter", _("By letter")
    IN_PERSON = "in_person", _("In person")
    NONE = "none", _("No reply wanted")


class CheckedField(models.TextChoices):
    """The fields the second clerk re-enters without seeing the first entry."""

    KIND = "kind", _("Kind")
    TITLE = "title", _("Title")
    REGION = "region", _("Region")
    REPORTED_SUBJECT = "reported_subject", _("Reported person or unit")
    OCCURRED_ON = "occurred_on", _("Date it happened")
    CALLER_PHONE = "caller_phone", _("Caller number")
    LETTER_DATE = "letter_date", _("Date of the letter")


class Resolution(models.TextChoices):
    ENTERED = "entered", _("As entered")
    CHECKED = "checked", _("As checked")
    OTHER = "other", _("Corrected value")


def _in(field: str, choices: type[models.TextChoices], name: str, blank: bool = False) -> models.CheckConstraint:
    values = [*choices.values, ""] if blank else list(choices.values)
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


class Registration(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=15, choices=RegistrationChannel.choices)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.AWAITING_CHECK)

    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="registrations_entered")
    entered_at = models.DateTimeField(_("entered at"), db_index=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="registrations_checked")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="registrations_resolved")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="registrations_withdrawn")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # The report as the first clerk entered it.
    kind = models.ForeignKey("taxonomy.Kind", verbose_name=_("kind"), to_field="code", db_column="kind_code",
                             on_delete=models.PROTECT, related_name="registrations")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what happened"))
    region = models.ForeignKey("organisation.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="registrations")
    address = models.CharField(_("address of the matter"), max_length=255, blank=True)
    occurred_on = models.DateField(_("date it happened"), null=True, blank=True)
    occurred_text = models.CharField(_("when (as told)"), max_length=100, blank=True)
    reported_subject = models.CharField(_("reported person or unit"), max_length=200, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    contact_preference = models.CharField(_("contact preference"), max_length=20, blank=True,
                                          choices=ContactPreference.choices)
    identity = models.ForeignKey("protection.ReporterIdentity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="registrations")

    # Hotline: the caller's number is in the vault (identity), never here.
    call_received_at = models.DateTimeField(_("call received at"), null=True, blank=True)
    # Letter: the sender's address is in the vault (identity), never here.
    letter_date = models.DateField(_("date of the letter"), null=True, blank=True)
    letter_reference = models.CharField(_("postmark or registered-mail number"), max_length=100, blank=True)
    # Visit.
    visit_at = models.DateTimeField(_("visit at"), null=True, blank=True)
    visitors_count = models.PositiveSmallIntegerField(_("number of visitors"), null=True, blank=True)
    visit_record = models.TextField(_("interview record"), blank=True)
    # Report mailbox.
    mailbox_opened_at = models.DateTimeField(_("mailbox opened at"), null=True, blank=True)
    mailbox_location = models.CharField(_("mailbox location"), max_length=200, blank=True)
    # Mobile service point.
    service_point = models.CharField(_("service point"), max_length=200, blank=True)

    report = models.OneToOneField("cases.Report", verbose_name=_("report"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="registration")

    class Meta:
        ordering = ["-entered_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            _in("status", RegistrationStatus, "registration_status_valid"),
            _in("channel", RegistrationChannel, "registration_channel_valid"),
            _in("contact_preference", ContactPreference, "registration_contact_preference_valid", blank=True),
            # Two people: the checker is never the one who entered, the resolver never the checker.
            models.CheckConstraint(condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("entered_by")),
                                   name="registration_checker_is_not_enterer"),
            models.CheckConstraint(condition=Q(resolved_by__isnull=True) | ~Q(resolved_by=F("checked_by")),
                                   name="registration_resolver_is_not_checker"),
            models.CheckConstraint(
                condition=(Q(status=RegistrationStatus.AWAITING_CHECK, checked_by__isnull=True)
                           | (~Q(status=RegistrationStatus.AWAITING_CHECK) & Q(checked_by__isnull=False))
                           | Q(status=RegistrationStatus.WITHDRAWN)),
                name="registration_checked_by_matches_status"),
            models.CheckConstraint(
                condition=(Q(status=RegistrationStatus.CONFIRMED, report__isnull=False)
                           | (~Q(status=RegistrationStatus.CONFIRMED) & Q(report__isnull=True))),
                name="registration_report_iff_confirmed"),
            models.CheckConstraint(
                condition=(Q(status=RegistrationStatus.WITHDRAWN, withdrawn_at__isnull=False)
                           | (~Q(status=RegistrationStatus.WITHDRAWN) & Q(withdrawn_at__isnull=True))),
                name="registration_withdrawn_at_iff_withdrawn"),
            models.CheckConstraint(condition=Q(is_anonymous=False) | Q(identity__isnull=True),
                                   name="registration_anonymous_has_no_identity"),
            models.CheckConstraint(condition=Q(visitors_count__isnull=True) | Q(visitors_count__gte=1),
                                   name="registration_visitors_count_positive"),
        ]
        indexes = [models.Index(fields=["status", "-entered_at"], name="registration_status_entered")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A short handle staff can read aloud; URLs use the full public_id."""
        return "DJ-" + self.public_id.hex[:8].upper()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CheckDifference(models.Model):
    """One field on which the two clerks disagreed, and how it was settled.

    Values are canonical strings (kind code, region division code, ISO date, text). The caller
    number is never written here: its row has empty values and points to vault records
    (`checked_identity` holds the checker's number, `resolved_identity` the corrected identity).
    """

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="differences")
    field = models.CharField(_("field"), max_length=30, choices=CheckedField.choices)
    entered_value = models.TextField(_("entered value"), blank=True)
    checked_value = models.TextField(_("checked value"), blank=True)
    checked_identity = models.ForeignKey("protection.ReporterIdentity", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True)
    resolved_value = models.TextField(_("resolved value"), blank=True)
    resolved_identity = models.ForeignKey("protection.ReporterIdentity", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["registration", "pk"]
        verbose_name = _("check difference")
        verbose_name_plural = _("check differences")
        constraints = [
            models.UniqueConstraint(fields=["registration", "field"], name="check_difference_one_per_field"),
            _in("field", CheckedField, "check_difference_field_valid"),
            _in("resolution", Resolution, "check_difference_resolution_valid", blank=True),
            models.CheckConstraint(
                condition=(Q(resolution="", resolved_by__isnull=True, resolved_at__isnull=True)
                           | (~Q(resolution="") & Q(resolved_by__isnull=False, resolved_at__isnull=False))),
                name="check_difference_resolved_consistently"),
            models.CheckConstraint(condition=~Q(resolution=Resolution.OTHER) | ~Q(note=""),
                                   name="check_difference_correction_has_note"),
            models.CheckConstraint(
                condition=~Q(field=CheckedField.CALLER_PHONE) | Q(entered_value="", checked_value="",
                                                                  resolved_value=""),
                name="check_difference_no_phone_in_clear"),
        ]

    def __str__(self) -> str:
        return f"{self.registration}:{self.field}"

    @property
    def is_resolved(self) -> bool:
        return bool(self.resolution)
