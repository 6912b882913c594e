"""`manage.py verify_audit` proves the audit trail is intact and finds the first tampered link."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jubao.audit.models import AuditChainHead, AuditEvent
from jubao.cases.models import CaseState
from tests.helpers import drive, fire


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails() -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def trail(org) -> list[AuditEvent]:
    """A case taken through a few transitions; returns its events (there may be others before them)."""
    case = drive(org, CaseState.IN_PROGRESS)
    fire(org, case, "conclude")
    events = list(AuditEvent.objects.filter(case=case).order_by("seq"))
    assert len(events) >= 5
    return events


def first_break_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing was printed to stderr"
    assert lines[0].startswith("first broken link:")
    return lines[0]


def test_an_untouched_trail_verifies(trail):
    out, err = verify()
    assert "intact" in out
    assert f"{AuditEvent.objects.count()} events" in out
    assert err == ""


def test_the_chain_is_gapless_and_linked(trail):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


def test_editing_an_events_reason_breaks_the_chain_at_that_event(trail):
    victim = trail[2]
    AuditEvent.objects.filter(pk=victim.pk).update(reason="改过的理由")
    line = first_break_line(verify_fails())
    assert f"#{victim.seq} " in line
    assert "altered" in line


def test_editing_an_events_payload_breaks_the_chain(trail):
    victim = trail[1]
    AuditEvent.objects.filter(pk=victim.pk).update(payload={"forged": True})
    assert f"#{victim.seq} " in first_break_line(verify_fails())


def test_deleting_an_event_in_the_middle_breaks_the_chain_there(trail):
    victim = trail[2]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    line = first_break_line(verify_fails())
    assert f"#{victim.seq} " in line
    assert "missing" in line


def test_deleting_the_last_event_breaks_the_chain_at_the_end(trail):
    last = AuditEvent.objects.order_by("-seq").first()
    AuditEvent.objects.filter(pk=last.pk).delete()
    line = first_break_line(verify_fails())
    assert f"#{last.seq}" in line
    assert "removed from the end" in line


def test_swapping_two_events_sequence_numbers_breaks_the_chain_at_the_first_of_them(trail):
    a, b = trail[1], trail[3]
    AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    line = first_break_line(verify_fails())
    assert f"#{a.seq} " in line


def test_all_broken_links_are_listed_on_request(trail):
    AuditEvent.objects.filter(pk=trail[1].pk).update(reason="x")
    AuditEvent.objects.filter(pk=trail[3].pk).update(reason="y")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--all", stdout=StringIO(), stderr=err)
    text = err.getvalue()
    assert f"#{trail[1].seq} " in text
    assert f"#{trail[3].seq} " in text


def test_an_sm3_chain_verifies_and_detects_tampering(org, settings):
    settings.JUBAO_AUDIT_HASH = "sm3"
    case = drive(org, CaseState.DISPATCHED)
    events = list(AuditEvent.objects.filter(case=case).order_by("seq"))
    assert {e.algorithm for e in events} == {"sm3"}
    assert all(len(e.hash) == 64 for e in events)
    out, _ = verify()
    assert "intact" in out

    AuditEvent.objects.filter(pk=events[1].pk).update(reason="篡改")
    assert f"#{events[1].seq} " in first_break_line(verify_fails())


def test_a_chain_that_switches_from_sha256_to_sm3_still_verifies(org, settings):
    drive(org, CaseState.ACCEPTED)
    settings.JUBAO_AUDIT_HASH = "sm3"
    drive(org, CaseState.ACCEPTED)
    assert set(AuditEvent.objects.values_list("algorithm", flat=True)) >= {"sha256", "sm3"}
    out, _ = verify()
    assert "intact" in out
