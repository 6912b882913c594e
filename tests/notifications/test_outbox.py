import pytest
from django.core.management import call_command
from django.db import transaction

from jubao.accounts.models import Role
from jubao.notifications.models import Notification, OutboxMessage, OutboxStatus
from jubao.notifications.services import outbox_deliver, outbox_put, outbox_put_many

pytestmark = pytest.mark.django_db(transaction=True)


def test_outbox_message_rolled_back_with_its_transaction_is_never_delivered(make_user):
    user = make_user(Role.HANDLER)

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_put(topic="case.assigned", channel="inbox", subject="s", body="b", recipient_user=user)
        raise RuntimeError("the assignment failed")

    assert outbox_deliver() == 0
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


def test_committed_outbox_message_is_delivered_by_the_worker(make_user):
    user = make_user(Role.HANDLER)
    with transaction.atomic():
        message = outbox_put(
            topic="case.assigned", channel="inbox", subject="New case", body="AJ1 is yours",
            recipient_user=user, payload={"link": "/staff/cases/AJ1/"},
        )

    # "deliver-outbox" is a registered periodic task, so a plain worker run delivers it.
    call_command("worker", "--burst")

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    [note] = Notification.objects.filter(user=user)
    assert (note.topic, note.subject, note.link, note.source_id) == (
        "case.assigned", "New case", "/staff/cases/AJ1/", message.pk,
    )


def test_bulk_put_writes_thousands_in_one_call_and_delivery_drains_them(make_user):
    user = make_user(Role.SUPERVISOR)
    messages = [
        OutboxMessage(topic="deadline.red", channel="inbox", subject=f"AJ{i}", body="", recipient_user=user)
        for i in range(450)
    ]
    with transaction.atomic():
        outbox_put_many(messages)

    assert OutboxMessage.objects.count() == 450
    assert outbox_deliver(batch_size=200) == 200
    assert outbox_deliver(batch_size=200) == 200
    assert outbox_deliver(batch_size=200) == 50
    assert outbox_deliver(batch_size=200) == 0
    assert Notification.objects.filter(user=user).count() == 450


def test_outbox_put_refuses_a_message_without_recipients():
    with pytest.raises(ValueError, match="recipient_user or an audience"):
        outbox_put(topic="t", channel="inbox", subject="s", body="b")
    with pytest.raises(ValueError, match="unknown channel"):
        outbox_put(topic="t", channel="pigeon", subject="s", body="b", audience={"role": "admin"})
