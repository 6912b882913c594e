"""The knowledge base of response templates, kept by administrators (staff page and Django admin);
and the real-name reporter's own copy of the letter."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jubao.audit.models import AuditEvent
from jubao.feedback.demo import feedback_demo_ensure
from jubao.feedback.letters import reporter_letter_available
from jubao.feedback.models import ReplyLetter, ResponseTemplate
from jubao.taxonomy.models import Category
from tests.helpers import token_for

from .support import REPORTER_PHONE, SECTIONS, answered, staff
from .test_letter import extracted

pytestmark = pytest.mark.django_db
NEW = {
    "title": "违章搭建：已责令拆除", "category": "", "finding": "substantiated", "is_active": "on",
    "checked": "{department}于【请填写：核查日期】到{region}现场测量了您反映的搭建物，并调阅了规划审批档案。",
    "found": "经核查，您反映的违章搭建{finding}，该搭建物未取得规划许可。",
    "done": "我们已向当事人下达限期拆除通知书，当事人已于期限内自行拆除。",
    "next_steps": "我们将在一个月后回头检查；如发现原地重建，请再次反映，我们将依法强制拆除。",
}


def test_administrators_keep_the_templates_on_a_staff_page(org):
    admin = staff(org, "admin")
    assert admin.get("/staff/feedback/templates/").status_code == 200
    created = admin.post("/staff/feedback/templates/new/", {**NEW, "category": Category.objects.get(name="城管执法").pk})
    assert created.status_code == 302
    template = ResponseTemplate.objects.get(title=NEW["title"])
    assert template.category.name == "城管执法" and template.updated_by == org.users["admin"]
    listing = admin.get("/staff/feedback/templates/").content.decode()
    assert NEW["title"] in listing and f"/staff/feedback/templates/{template.public_id}/" in listing
    edit = admin.get(f"/staff/feedback/templates/{template.public_id}/").content.decode()
    assert "未取得规划许可" in edit
    changed = admin.post(f"/staff/feedback/templates/{template.public_id}/", {**NEW, "title": "违章搭建：已拆除",
                                                                              "is_active": ""})
    assert changed.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.is_active) == ("违章搭建：已拆除", False)
    assert AuditEvent.objects.filter(kind="feedback.template_saved").count() == 2


def test_a_template_needs_all_four_sections(org):
    response = staff(org, "admin").post("/staff/feedback/templates/new/", {**NEW, "next_steps": ""},
                                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and NEW["found"] in response.content.decode()
    assert not ResponseTemplate.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "handler", "head", "supervisor", "auditor"])
def test_only_administrators_edit_templates(org, who):
    client = staff(org, who)
    assert client.get("/staff/feedback/templates/").status_code == 403
    assert client.post("/staff/feedback/templates/new/", NEW).status_code == 403
    assert not ResponseTemplate.objects.exists()


def test_templates_in_django_admin_and_in_the_api(org, client):
    feedback_demo_ensure(org)
    feedback_demo_ensure(org)  # idempotent
    assert ResponseTemplate.objects.count() == 3
    admin = staff(org, "admin")
    assert admin.get("/admin/feedback/responsetemplate/").status_code == 200
    template = ResponseTemplate.objects.get(title="占道经营：属实并已整改")
    assert admin.get(f"/admin/feedback/responsetemplate/{template.pk}/change/").status_code == 200
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    titles = [t["title"] for t in client.get("/api/v1/feedback/templates", **headers).json()]
    assert "占道经营：属实并已整改" in titles
    case = answered(org)
    filled = client.get(f"/api/v1/feedback/cases/{case.number}/prefill", {"template": str(template.public_id)},
                        **headers).json()
    assert "您反映的情况属实" in filled["found"] and "示范市城市管理局执法队员" in filled["checked"]


def test_the_real_name_reporter_downloads_the_letter_from_the_follow_up_page(org, settings):
    settings.ROOT_URLCONF = "tests.feedback.reporter_urls"
    case = answered(org, real_name=True)
    reporter = Client()
    tracking = case.reports.get().tracking_number
    assert reporter.post("/followup/", {"tracking_number": tracking, "phone": REPORTER_PHONE}).status_code == 302
    response = reporter.get("/followup/letter/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(kind="feedback.letter_downloaded")
    assert event.actor_kind == "reporter" and event.actor_label == case.reports.get().reporter_pseudonym
    assert re.sub(r"\s+", "", SECTIONS["found"]) in extracted(response.content)
    assert Client().get("/followup/letter/").status_code == 302  # not signed in: to the sign-in page
    assert reporter_letter_available(case.reports.get())


def test_an_anonymous_reporter_has_no_letter_to_download(org, settings):
    settings.ROOT_URLCONF = "tests.feedback.reporter_urls"
    case = answered(org, receipt=True)
    report = case.reports.get()
    assert not reporter_letter_available(report)
    reporter = Client()
    session = reporter.session
    session["reporter_report"] = str(report.public_id)
    session.save()
    assert reporter.get("/followup/letter/").status_code == 404
    assert not ReplyLetter.objects.exists()
