from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from jubao.accounts.models import Role
from jubao.notifications.backends import NotificationBackend, mask_phone
from jubao.notifications.models import Notification, OutboxMessage, OutboxStatus
from jubao.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_unread_count,
    outbox_deliver,
    outbox_put,
)

pytestmark = pytest.mark.django_db(transaction=True)

SENT_TO: list[str] = []


class ExplodingSmsBackend(NotificationBackend):
    def send(self, message, to):
        raise ConnectionError("gateway down")


class RecordingSmsBackend(NotificationBackend):
    def send(self, message, to):
        SENT_TO.append(to)


def _make_due_again(message):
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_inbox_delivery_expands_the_audience_and_is_idempotent(regions, make_user):
    inside = make_user(Role.SUPERVISOR, jurisdiction=regions["shangcheng"])
    also_inside = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"])
    make_user(Role.SUPERVISOR, jurisdiction=regions["ningbo"])
    direct = make_user(Role.HANDLER)

    message = outbox_put(
        topic="deadline.red", channel="inbox", subject="Red light", body="AJ7 is overdue",
        recipient_user=direct, audience={"role": "supervisor", "region_path": regions["hangzhou"].path},
    )
    assert outbox_deliver() == 1
    assert set(Notification.objects.values_list("user_id", flat=True)) == {inside.pk, also_inside.pk, direct.pk}

    # A deliverer that crashed after writing the rows but before marking the message sent.
    _make_due_again(message)
    assert outbox_deliver() == 1
    assert Notification.objects.count() == 3
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2


def test_message_whose_audience_resolves_to_nobody_is_skipped(regions, make_user):
    make_user(Role.SUPERVISOR, jurisdiction=regions["ningbo"])
    message = outbox_put(
        topic="deadline.red", channel="inbox", subject="s", body="b",
        audience={"role": "supervisor", "region_path": regions["shangcheng"].path},
    )
    outbox_deliver()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SKIPPED


def test_console_sms_prints_a_masked_number(capsys):
    message = outbox_put(
        topic="deadline.red", channel="sms", subject="Red light", body="AJ7 is overdue",
        audience={"address": "13812345678"},
    )
    outbox_deliver()

    out = capsys.readouterr().out
    assert "SMS to 138****5678: AJ7 is overdue" in out
    assert "13812345678" not in out
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_sms_goes_to_users_phone_attribute_when_the_user_model_has_one(settings, make_user, monkeypatch):
    settings.JUBAO_NOTIFICATION_BACKENDS = {"sms": "tests.notifications.test_delivery.RecordingSmsBackend"}
    SENT_TO.clear()
    user = make_user(Role.SUPERVISOR)
    outbox_put(topic="t", channel="sms", subject="s", body="b", recipient_user=user)
    from jubao.accounts.models import User

    monkeypatch.setattr(User, "phone", "13900001111", raising=False)
    outbox_deliver()
    assert SENT_TO == ["13900001111"]


def test_console_email_goes_through_djangos_email_backend(settings, make_user, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    user = make_user(Role.AUDITOR, email="auditor@example.org")
    make_user(Role.AUDITOR)  # no address: nothing to send to

    outbox_put(topic="audit.break", channel="email", subject="Audit chain broken", body="Check now", audience={
        "role": "auditor",
    })
    outbox_deliver()

    out = capsys.readouterr().out
    assert "To: auditor@example.org" in out
    assert "Subject: Audit chain broken" in out
    assert user.email in out


def test_email_backend_setting_is_respected(settings, make_user):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user(Role.HANDLER, email="h@example.org")
    outbox_put(topic="case.assigned", channel="email", subject="New case", body="b", recipient_user=user)
    outbox_deliver()
    assert [m.to for m in mail.outbox] == [["h@example.org"]]


def test_failing_backend_retries_with_backoff_then_fails(settings):
    settings.JUBAO_NOTIFICATION_BACKENDS = {"sms": "tests.notifications.test_delivery.ExplodingSmsBackend"}
    settings.JUBAO_OUTBOX_MAX_ATTEMPTS = 3
    settings.JUBAO_OUTBOX_RETRY_BASE_SECONDS = 30
    message = outbox_put(topic="t", channel="sms", subject="s", body="b", audience={"address": "13800000000"})

    for attempt in (1, 2):
        before = timezone.now()
        assert outbox_deliver() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
        assert "gateway down" in message.last_error
        expected = 30 * 2 ** (attempt - 1)
        assert expected - 1 <= (message.next_attempt_at - before).total_seconds() <= expected + 2
        assert outbox_deliver() == 0  # backing off
        _make_due_again(message)

    assert outbox_deliver() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3


def test_channel_without_configured_backend_is_skipped():
    message = outbox_put(
        topic="t", channel="webhook", subject="s", body="b", audience={"url": "https://example.org/hook"}
    )
    outbox_deliver()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SKIPPED
    assert "no backend" in message.last_error


def test_a_claimed_message_is_not_delivered_twice_by_a_second_deliverer(make_user, monkeypatch):
    from jubao.notifications import services

    user = make_user(Role.HANDLER)
    outbox_put(topic="t", channel="inbox", subject="s", body="b", recipient_user=user)
    nested = []

    real_deliver_one = services._deliver_one

    def deliver_and_race(message):
        # While this deliverer holds the message, another one polls.
        nested.append(services.outbox_deliver())
        return real_deliver_one(message)

    monkeypatch.setattr(services, "_deliver_one", deliver_and_race)
    assert services.outbox_deliver() == 1
    assert nested == [0]
    assert Notification.objects.count() == 1


def test_mark_read_and_unread_count(make_user):
    user = make_user(Role.HANDLER)
    other = make_user(Role.HANDLER)
    first = Notification.objects.create(user=user, topic="t", subject="one")
    Notification.objects.create(user=user, topic="t", subject="two")
    assert notifications_unread_count(user) == 2

    with pytest.raises(PermissionDenied):
        notification_mark_read(actor=other, notification=first)

    notification_mark_read(actor=user, notification=first)
    assert first.read_at is not None
    assert notifications_unread_count(user) == 1
    assert notifications_mark_all_read(actor=user) == 1
    assert notifications_unread_count(user) == 0


def test_mask_phone_keeps_only_prefix_and_suffix():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "***45"
