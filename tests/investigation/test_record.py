"""The investigation record: internal notes (never for the reporter), evidence with its SHA-256 and append-only
chain of custody, site visits, and who may read and write any of it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from jubao.audit.models import AuditEvent
from jubao.cases.errors import CaseNotFound, TransitionForbidden, TransitionRejected
from jubao.cases.models import CaseState
from jubao.investigation.models import CustodyAction, CustodyEvent, EvidenceItem, EvidenceStatus
from jubao.investigation.services import (
    custody_verify,
    evidence_add,
    evidence_custody_record,
    evidence_download,
    note_add,
    site_visit_record,
)
from tests.helpers import bearer, events_of, token_for

from .conftest import handled_case
from .support import NOTE_TEXT, at, evidence_file, photo_bytes, reporter_client, upload

FINDINGS = "现场查看：商户在人行道摆放货架约十五米，占用盲道，现场已拍照取证并告知其限期整改。"


def add_photo(org, case, who="handler", data=None, **kw):
    return evidence_add(actor=org.actor(who), number=case.number, kind="photo", description="商户占道经营现场照片",
                        collected_at=at(case, 1), file=evidence_file(data), now=at(case), **kw)


# --- who ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["handler", "handler2", "head", "handler_zj", "head_zj", "supervisor",
                                 "supervisor_east"])
def test_the_handling_departments_and_supervisors_write_the_record(org, who):
    case = handled_case(org, co=("zhujian",))
    note = note_add(actor=org.actor(who), number=case.number, body=NOTE_TEXT, now=at(case))
    assert note.author == org.users[who]


@pytest.mark.parametrize("who", ["dispatcher", "clerk", "leader", "auditor", "admin"])
def test_nobody_else_reads_or_writes_it_even_if_they_see_the_case(org, who, client):
    case = handled_case(org)
    with pytest.raises(TransitionForbidden):
        note_add(actor=org.actor(who), number=case.number, body=NOTE_TEXT)
    with pytest.raises(TransitionForbidden):
        add_photo(org, case, who=who)
    response = client.get(f"/api/v1/investigation/cases/{case.number}/record",
                          **bearer(token_for(org.users[who])))
    assert response.status_code == 403
    client.force_login(org.users[who])
    page = client.get(f"/staff/cases/{case.number}/")
    assert page.status_code == 200 and 'id="investigation"' not in page.content.decode()


@pytest.mark.parametrize("who", ["handler_zj", "custodian", "supervisor_east"])
def test_a_case_one_cannot_see_does_not_exist(org, who):
    case = handled_case(org) if who != "supervisor_east" else None
    if case is None:
        from tests.helpers import WEST_VILLAGE, drive

        case = drive(org, CaseState.IN_PROGRESS, region=WEST_VILLAGE)  # 西城区: outside 东城区's jurisdiction
    with pytest.raises(CaseNotFound):
        note_add(actor=org.actor(who), number=case.number, body=NOTE_TEXT)


def test_nothing_is_recorded_before_dispatch(org):
    from tests.helpers import drive

    case = drive(org, CaseState.ACCEPTED)
    with pytest.raises((CaseNotFound, TransitionForbidden, TransitionRejected)):
        note_add(actor=org.actor("supervisor"), number=case.number, body=NOTE_TEXT)


# --- internal notes never reach the reporter ----------------------------------------------------------------------
def test_internal_notes_never_appear_on_the_reporters_follow_up_page_or_api(org):
    case = handled_case(org)
    note_add(actor=org.actor("handler"), number=case.number, body=NOTE_TEXT, now=at(case))
    [event] = events_of(case, "investigation.note_added")
    assert event.reporter_visible is False and NOTE_TEXT not in str(event.payload)

    browser, report, receipt = reporter_client(Client, case)
    page = browser.get("/followup/report/").content.decode()
    assert report.tracking_number in page and NOTE_TEXT not in page and "内部备注" not in page
    api = Client().get("/api/v1/reporter/report", HTTP_X_TRACKING_NUMBER=report.tracking_number,
                       HTTP_X_RECEIPT=receipt)
    assert api.status_code == 200
    assert NOTE_TEXT not in api.content.decode()

    staff = Client()
    staff.force_login(org.users["handler"])
    page = staff.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="investigation"' in page and NOTE_TEXT in page


# --- evidence -----------------------------------------------------------------------------------------------------
def test_the_evidence_hash_is_the_sha256_of_the_file_and_the_download_matches_it(org):
    case = handled_case(org)
    data = photo_bytes()
    item = add_photo(org, case, data=data)
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    downloaded, content_type, name = evidence_download(actor=org.actor("handler2"), item_id=str(item.public_id))
    assert downloaded == data and content_type == "image/jpeg" and name.endswith(".jpg")
    assert hashlib.sha256(downloaded).hexdigest() == item.sha256
    [added] = events_of(case, "investigation.evidence_added")
    assert added.payload["sha256"] == item.sha256  # the hash itself is protected by the audit chain
    assert len(events_of(case, "investigation.evidence_downloaded")) == 1


def test_the_staff_download_checks_access_and_logs_each_download(org, client):
    case = handled_case(org)
    data = photo_bytes((10, 120, 10))
    item = add_photo(org, case, data=data)
    url = f"/staff/investigation/evidence/{item.public_id}/file/"
    client.force_login(org.users["handler"])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == data
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert len(events_of(case, "investigation.evidence_downloaded")) == 2
    client.force_login(org.users["dispatcher"])  # sees the case, not its investigation
    assert client.get(url).status_code == 403
    client.force_login(org.users["handler_zj"])  # does not see the case at all
    assert client.get(url).status_code == 404
    assert len(events_of(case, "investigation.evidence_downloaded")) == 2
    api = client.get(f"/api/v1/investigation/evidence/{item.public_id}/file", **bearer(token_for(org.users["head"])))
    assert api.status_code == 200 and hashlib.sha256(api.content).hexdigest() == item.sha256


def test_a_file_that_is_not_evidence_is_refused_with_everything_kept(org, client):
    case = handled_case(org)
    client.force_login(org.users["handler"])
    response = client.post(f"/staff/investigation/cases/{case.number}/evidence/", {
        "evidence-kind": "document", "evidence-description": "商户提供的营业执照复印件",
        "evidence-collected_at": "2026-03-02T15:00",
        "evidence-file": upload(b"\x00\x01binary-junk" * 10, "执照.exe")}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "商户提供的营业执照复印件" in html and 'class="error"' in html
    assert not EvidenceItem.objects.filter(case=case).exists()


def test_evidence_is_recorded_through_the_staff_form_and_the_api(org, client):
    case = handled_case(org)
    client.force_login(org.users["handler"])
    data = photo_bytes((1, 2, 3))
    response = client.post(f"/staff/investigation/cases/{case.number}/evidence/", {
        "evidence-kind": "photo", "evidence-description": "占道经营货架照片", "evidence-collected_at": "2026-03-02T15:00",
        "evidence-custodian": "handler2", "evidence-file": upload(data)})
    assert response.status_code == 302 and response["Location"].endswith("#investigation")
    item = EvidenceItem.objects.get(case=case)
    assert item.custodian == org.users["handler2"] and item.sha256 == hashlib.sha256(data).hexdigest()

    response = client.post(f"/api/v1/investigation/cases/{case.number}/evidence", {
        "kind": "testimony", "description": "商户负责人询问笔录", "collected_at": "2026-03-02T16:00:00+08:00"},
        **bearer(token_for(org.users["head"])))
    assert response.status_code == 200, response.content
    assert response.json()["custodian"] == "head" and response.json()["sha256"] == ""

    scan = photo_bytes((9, 9, 9))
    response = client.post(f"/api/v1/investigation/cases/{case.number}/evidence", {
        "kind": "document", "description": "营业执照扫描件", "collected_at": "2026-03-02T16:30:00+08:00",
        "custodian": "handler", "file": upload(scan, "执照.jpg")}, **bearer(token_for(org.users["head"])))
    assert response.status_code == 200, response.content
    assert response.json()["sha256"] == hashlib.sha256(scan).hexdigest()
    detail = client.get(f"/api/v1/investigation/evidence/{response.json()['id']}",
                        **bearer(token_for(org.users["handler2"]))).json()
    assert detail["chain_intact"] is True and [c["action"] for c in detail["custody"]] == ["received"]


# --- the chain of custody -------------------------------------------------------------------------------------------
def test_the_chain_of_custody_is_append_only_and_each_link_is_audited(org):
    case = handled_case(org, co=("zhujian",))
    item = add_photo(org, case)
    evidence_custody_record(actor=org.actor("handler"), item_id=str(item.public_id), action="transferred",
                            to_user="handler_zj", note="移交住建局鉴定", now=at(case, 3))
    evidence_custody_record(actor=org.actor("handler_zj"), item_id=str(item.public_id), action="sealed",
                            note="封存于证据柜A-3", now=at(case, 4))
    evidence_custody_record(actor=org.actor("supervisor"), item_id=str(item.public_id), action="returned",
                            note="已退还商户负责人王某", now=at(case, 5))
    chain = list(CustodyEvent.objects.filter(item=item).order_by("seq"))
    assert [(e.seq, e.action) for e in chain] == [(1, "received"), (2, "transferred"), (3, "sealed"), (4, "returned")]
    assert chain[1].from_user == org.users["handler"] and chain[1].to_user == org.users["handler_zj"]
    item.refresh_from_db()
    assert item.custodian == org.users["handler_zj"] and item.status == EvidenceStatus.RETURNED
    assert [e.kind for e in events_of(case) if e.kind.startswith("investigation.custody_")] == [
        "investigation.custody_transferred", "investigation.custody_sealed", "investigation.custody_returned"]
    assert custody_verify(item)

    # No way to change or remove a link: not the model, not the queryset; the hash chain shows a raw edit.
    with pytest.raises(TypeError):
        chain[1].save()
    with pytest.raises(TypeError):
        chain[1].delete()
    with pytest.raises(TypeError):
        CustodyEvent.objects.filter(item=item).update(note="改过")
    with pytest.raises(TypeError):
        CustodyEvent.objects.filter(item=item).delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CustodyEvent._meta.db_table} SET note = %s WHERE id = %s", ["改过", chain[1].pk])
    assert not custody_verify(item)


def test_custody_rules(org):
    case = handled_case(org)
    item = add_photo(org, case)
    item_id = str(item.public_id)
    with pytest.raises(TransitionForbidden):  # not the custodian, not the head, not a supervisor
        evidence_custody_record(actor=org.actor("handler2"), item_id=item_id, action="sealed")
    with pytest.raises(TransitionRejected) as info:
        evidence_custody_record(actor=org.actor("handler"), item_id=item_id, action="transferred", to_user="clerk")
    assert info.value.field == "to_user"
    with pytest.raises(TransitionRejected):
        evidence_custody_record(actor=org.actor("handler"), item_id=item_id, action="unsealed")
    with pytest.raises(TransitionRejected) as info:
        evidence_custody_record(actor=org.actor("handler"), item_id=item_id, action="returned")
    assert info.value.field == "note"
    with pytest.raises(TransitionRejected):
        evidence_custody_record(actor=org.actor("handler"), item_id=item_id, action=CustodyAction.RECEIVED)
    evidence_custody_record(actor=org.actor("head"), item_id=item_id, action="transferred", to_user="handler2")
    assert CustodyEvent.objects.filter(item=item).count() == 2


def test_the_evidence_page_shows_the_chain_and_records_a_transfer(org, client):
    case = handled_case(org)
    item = add_photo(org, case)
    client.force_login(org.users["handler"])
    url = f"/staff/investigation/evidence/{item.public_id}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert item.sha256 in page and "Chain intact" in page and "Record the change of custody" in page
    response = client.post(url, {"custody-action": "transferred", "custody-to_user": "", "custody-note": "交接"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "交接" in response.content.decode()
    response = client.post(url, {"custody-action": "transferred", "custody-to_user": "handler2",
                                 "custody-note": "交接给陈静"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.custodian == org.users["handler2"]


# --- site visits ----------------------------------------------------------------------------------------------------
def test_a_site_visit_keeps_its_photos_as_evidence(org):
    case = handled_case(org)
    photos = [evidence_file(photo_bytes((i * 40, 10, 10)), f"现场{i}.jpg") for i in range(1, 3)]
    visit = site_visit_record(actor=org.actor("handler"), number=case.number, visited_at=at(case, 1),
                              place="东华社区幸福路与建设路交叉口", participants=["handler", "handler2"],
                              others_present="社区网格员李某", findings=FINDINGS, photos=photos, now=at(case))
    assert sorted(u.username for u in visit.participants.all()) == ["handler", "handler2"]
    items = list(visit.evidence_items.order_by("pk"))
    assert [i.kind for i in items] == ["photo", "photo"]
    assert [i.sha256 for i in items] == [p.sha256 for p in photos]
    assert events_of(case, "investigation.site_visit")[0].payload["photos"] == 2
    with pytest.raises(TransitionRejected) as info:
        site_visit_record(actor=org.actor("handler"), number=case.number, visited_at=at(case, 1), place="路口",
                          participants=["dispatcher"], findings=FINDINGS, now=at(case))
    assert info.value.field == "participants"


def test_every_write_is_audited_and_none_is_visible_to_the_reporter(org):
    case = handled_case(org)
    before = AuditEvent.objects.filter(case=case).count()
    note_add(actor=org.actor("handler"), number=case.number, body=NOTE_TEXT, now=at(case))
    add_photo(org, case)
    site_visit_record(actor=org.actor("handler"), number=case.number, visited_at=at(case, 1), place="幸福路口",
                      participants=[], findings=FINDINGS, now=at(case))
    new = AuditEvent.objects.filter(case=case).order_by("seq")[before:]
    assert [e.kind for e in new] == ["investigation.note_added", "investigation.evidence_added",
                                     "investigation.site_visit"]
    assert not any(e.reporter_visible for e in new)


def test_files_of_a_rolled_back_recording_are_collected(org):
    from datetime import timedelta

    from django.db import transaction

    from jubao.investigation.storage import evidence_files_gc, get_storage

    case = handled_case(org)
    kept = add_photo(org, case)
    with pytest.raises(RuntimeError), transaction.atomic():  # e.g. the worker dies before the commit
        lost = add_photo(org, case)
        raise RuntimeError("crash")
    assert not EvidenceItem.objects.filter(pk=lost.pk).exists() and get_storage().exists(lost.storage_name)
    assert evidence_files_gc(older_than=timedelta(0)) == [lost.storage_name]
    assert not get_storage().exists(lost.storage_name) and get_storage().exists(kept.storage_name)
