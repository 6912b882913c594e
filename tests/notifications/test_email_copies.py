"""Staff notices reach the inbox and, for staff with an e-mail address, the same notice by e-mail through the
outbox: one e-mail row per inbox notice, same audience, delivered by the ordinary deliverer; a per-user opt-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jubao.accounts.models import Role
from jubao.notifications.models import Notification, NotificationPreference, OutboxMessage, OutboxStatus
from jubao.notifications.services import outbox_deliver, outbox_put

SMTP = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = SMTP
    settings.JUBAO_PUBLIC_URL = "https://jubao.example.org"


def _deliver_all() -> None:
    while outbox_deliver():
        pass


@pytest.mark.django_db
def test_an_inbox_notice_gets_one_email_copy_with_the_same_audience(regions, make_department, make_user):
    department = make_department("chengguan", regions["hangzhou"])
    head = make_user(Role.DEPARTMENT_HEAD, department=department, email="head@example.org")
    handler = make_user(Role.HANDLER, department=department)  # no address: inbox only
    message = outbox_put(topic="case.assigned", channel="inbox", subject="New case AJ1 for your department",
                         body="New case AJ1", audience={"department_id": department.pk},
                         payload={"case": "AJ1", "link": "/staff/cases/AJ1/"})
    assert outbox_deliver() == 1
    assert set(Notification.objects.values_list("user_id", flat=True)) == {head.pk, handler.pk}
    copy = OutboxMessage.objects.get(channel="email")
    assert (copy.topic, copy.audience, copy.subject) == ("case.assigned", message.audience, message.subject)
    assert copy.payload["copy_of"] == str(message.public_id)
    assert copy.body == "New case AJ1\n\nhttps://jubao.example.org/staff/cases/AJ1/"

    _deliver_all()
    copy.refresh_from_db()
    assert copy.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["head@example.org"]]
    assert mail.outbox[0].subject == "New case AJ1 for your department"
    assert OutboxMessage.objects.filter(channel="email").count() == 1  # a copy is never copied again


@pytest.mark.django_db
def test_no_copy_when_nobody_has_an_address_or_everyone_opted_out(regions, make_user, settings):
    plain = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"])
    outbox_put(topic="deadline.red", channel="inbox", subject="Red", body="AJ2", recipient_user=plain)
    _deliver_all()
    assert not OutboxMessage.objects.filter(channel="email").exists()

    with_address = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"], email="s@example.org")
    NotificationPreference.objects.create(user=with_address, email_copies=False)
    outbox_put(topic="deadline.red", channel="inbox", subject="Red", body="AJ3", recipient_user=with_address)
    _deliver_all()
    assert not OutboxMessage.objects.filter(channel="email").exists()

    settings.JUBAO_STAFF_EMAIL_COPIES = False
    NotificationPreference.objects.filter(user=with_address).update(email_copies=True)
    outbox_put(topic="deadline.red", channel="inbox", subject="Red", body="AJ4", recipient_user=with_address)
    _deliver_all()
    assert not OutboxMessage.objects.filter(channel="email").exists() and mail.outbox == []


@pytest.mark.django_db
def test_someone_who_opts_out_after_the_copy_was_queued_is_skipped(regions, make_user):
    first = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"], email="a@example.org")
    second = make_user(Role.SUPERVISOR, jurisdiction=regions["shangcheng"], email="b@example.org")
    outbox_put(topic="case.escalated", channel="inbox", subject="Escalated", body="AJ5",
               audience={"role": "supervisor", "region_path": regions["hangzhou"].path})
    outbox_deliver()
    NotificationPreference.objects.create(user=second, email_copies=False)
    _deliver_all()
    assert [m.to for m in mail.outbox] == [[first.email]]


@pytest.mark.django_db
def test_an_inbox_message_delivered_again_by_hand_is_not_copied_twice(regions, make_user):
    user = make_user(Role.HANDLER, email="h@example.org")
    message = outbox_put(topic="case.returned", channel="inbox", subject="Returned", body="AJ6", recipient_user=user)
    outbox_deliver()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING,
                                                      next_attempt_at=timezone.now() - timedelta(seconds=1))
    _deliver_all()
    assert OutboxMessage.objects.filter(channel="email").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_preferences_page_turns_copies_off_and_on(client, make_user):
    user = make_user(Role.HANDLER, email="h@example.org")
    client.force_login(user)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert 'name="email_copies"' in page and "checked" in page and "h@example.org" in page
    assert client.post(url, {}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email_copies is False
    assert client.post(url, {"email_copies": "on"}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email_copies is True
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_case_and_supervision_notices_reach_inbox_and_email(org, client):
    """New assignments (cases app) and supervision notices (supervision app) go to the department's inbox and to
    the e-mail of its members who have one."""
    from jubao.supervision.services import notice_issue
    from tests.helpers import drive

    head = org.users["head"]
    head.email = "head@chengguan.example.org"
    head.save(update_fields=["email"])
    case = drive(org, "dispatched")
    _deliver_all()
    assert Notification.objects.filter(user=head, topic="case.assigned").exists()
    assert any(case.number in m.subject and m.to == [head.email] for m in mail.outbox)

    case = drive(org, "in_progress", title="另一件占道经营")
    _deliver_all()
    mail.outbox.clear()
    notice_issue(actor=org.actor("supervisor"), number=case.number, reason="群众多次来电催办，部门未报告进展。",
                 demands="请于期限内书面报告办理情况和整改结果。", due_in_days=5)
    _deliver_all()
    assert Notification.objects.filter(user=head, topic="supervision.notice").exists()
    assert [m.to for m in mail.outbox] == [[head.email]] and case.number in mail.outbox[0].subject


@pytest.mark.django_db
def test_lights_turning_orange_and_red_reach_inbox_and_email(org):
    """Orange goes to the lead department, red to the supervisors covering the case's region (jubao.deadlines);
    both arrive by e-mail as well for those with an address."""
    from jubao.deadlines.models import CaseDeadline, Stage
    from jubao.deadlines.sweeper import sweep_lights
    from tests.helpers import drive

    head, supervisor = org.users["head"], org.users["supervisor"]
    for user, address in ((head, "head@chengguan.example.org"), (supervisor, "supervisor@xinfang.example.org")):
        user.email = address
        user.save(update_fields=["email"])
    case = drive(org, "in_progress")
    _deliver_all()
    mail.outbox.clear()
    deadline = CaseDeadline.objects.get(case=case, stage=Stage.CONCLUSION, status="running")

    sweep_lights(now=deadline.orange_at + timedelta(seconds=1))
    _deliver_all()
    assert Notification.objects.filter(user=head, topic="deadline.orange").exists()
    assert [m.to for m in mail.outbox] == [[head.email]]

    mail.outbox.clear()
    sweep_lights(now=deadline.red_at + timedelta(seconds=1))
    _deliver_all()
    assert Notification.objects.filter(user=supervisor, topic="deadline.red").exists()
    assert [supervisor.email] in [m.to for m in mail.outbox]
