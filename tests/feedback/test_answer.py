"""Answering a case: four plain-language sections, from a template or not; bare or thin answers refused on every path."""

from __future__ import annotations

import pytest

from jubao.cases.models import Case, CaseState
from jubao.feedback.models import FeedbackAnswer, ResponseTemplate
from jubao.feedback.sections import HEADINGS, MIN_SECTION_CHARS, compose, parse
from tests.helpers import api_post, token_for

from .support import COMPOSED, SECTIONS, concluded, staff

UNSECTIONED = ("您好，您反映的占道经营问题已由城管执法队员于次日现场核查，情况属实；"
               "已责令商户整改并清理现场，后续将每周巡查一次，如有反弹请再次反映。")
pytestmark = pytest.mark.django_db


def form(sections: dict, **extra) -> dict:
    return {"answer-version": "", "answer-template": "", "action": "send",
            **{f"answer-{key}": value for key, value in sections.items()}, **extra}


def test_sections_compose_under_headings_and_parse_back():
    text = compose(SECTIONS)
    assert text.startswith("一、我们核查了什么\n3月3日上午")
    assert all(heading in text for heading in HEADINGS["zh-hans"])
    assert parse(text) == SECTIONS
    assert parse("您好，您反映的问题已转办相关部门处理。") is None
    assert parse(compose(SECTIONS, language="en")) == SECTIONS


def test_the_handler_answers_from_the_panel_and_every_section_is_kept(org):
    case = concluded(org)
    handler = staff(org, "handler")
    page = handler.get(f"/staff/cases/{case.number}/").content.decode()
    assert 'id="feedback"' in page and 'name="answer-checked"' in page
    assert f"/staff/cases/{case.number}/act/answer/" not in page  # the panel owns the transition
    response = handler.post(f"/staff/feedback/cases/{case.number}/answer/", form(SECTIONS))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED and case.feedback_text == COMPOSED
    answer = FeedbackAnswer.objects.get(case=case)
    assert (answer.version, answer.sections(), answer.answered_by) == (1, SECTIONS, org.users["handler"])
    assert answer.review_until is not None and answer.review_until > answer.answered_at


@pytest.mark.parametrize("bare", ["已转办", "已转交。", "已处理！"])
def test_a_bare_transferred_is_refused_from_the_panel_and_everything_typed_stays(org, bare):
    case = concluded(org)
    typed = {**SECTIONS, "done": bare}
    response = staff(org, "handler").post(f"/staff/feedback/cases/{case.number}/answer/", form(typed),
                                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert f"“{bare}” alone is not an answer" in html
    assert SECTIONS["checked"] in html and SECTIONS["next_steps"] in html  # nothing typed is lost
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED and not FeedbackAnswer.objects.exists()


def test_a_missing_or_thin_section_is_refused_from_the_panel(org):
    case = concluded(org)
    handler = staff(org, "handler")
    response = handler.post(f"/staff/feedback/cases/{case.number}/answer/",
                            form({**SECTIONS, "next_steps": "", "found": "情况属实。"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write “What happens next”" in html
    assert f"Say more in “What was found” (at least {MIN_SECTION_CHARS} characters)" in html
    assert Case.objects.get(pk=case.pk).state == CaseState.CONCLUDED


def test_the_generic_api_refuses_a_bare_or_unsectioned_answer_and_takes_the_composed_text(org, client):
    case = concluded(org)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    url = f"/api/v1/cases/{case.number}/transitions"
    bare = api_post(client, url, {"transition": "answer", "data": {"feedback_text": "已转办"}}, **headers)
    assert bare.status_code == 400 and bare.json()["field"] == "feedback_text"
    # A long, friendly text is still refused without the four sections — and the refusal names them.
    unsectioned = api_post(client, url, {"transition": "answer", "data": {"feedback_text": UNSECTIONED}}, **headers)
    assert unsectioned.status_code == 400 and unsectioned.json()["field"] == "feedback_text"
    assert all(heading in unsectioned.json()["detail"] for heading in HEADINGS["zh-hans"])
    one_bare = api_post(client, url, {"transition": "answer",
                                      "data": {"feedback_text": compose({**SECTIONS, "done": "已转办"})}}, **headers)
    assert one_bare.status_code == 400 and one_bare.json()["field"] == "done"
    assert Case.objects.get(pk=case.pk).state == CaseState.CONCLUDED
    accepted = api_post(client, url, {"transition": "answer", "data": {"feedback_text": COMPOSED}}, **headers)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == CaseState.ANSWERED
    assert FeedbackAnswer.objects.get(case=case).sections() == SECTIONS


def test_the_feedback_api_takes_the_sections(org, client):
    case = concluded(org)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler'])}"}
    url = f"/api/v1/feedback/cases/{case.number}/answer"
    thin = api_post(client, url, {"sections": {**SECTIONS, "checked": "看过了"}}, **headers)
    assert thin.status_code == 400 and thin.json()["field"] == "checked"
    sent = api_post(client, url, {"sections": SECTIONS, "expected_version": case.version}, **headers)
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["version"] == 1 and body["found"] == SECTIONS["found"] and body["text"] == COMPOSED
    listed = client.get(f"/api/v1/feedback/cases/{case.number}/answers", **headers).json()
    assert [a["version"] for a in listed] == [1]
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_for(org.users['handler_zj'])}"}
    assert client.get(f"/api/v1/feedback/cases/{case.number}/answers", **other).status_code == 404


def _template(**overrides) -> ResponseTemplate:
    from django.utils import timezone

    values = {
        "title": "占道经营：属实并已整改", "finding": "substantiated",
        "checked": "{department}执法队员于【请填写：核查日期】到现场查看了您反映的“{title}”问题。",
        "found": "经核查，您反映的情况{finding}，案件编号{case_number}。",
        "done": "执法队员已当场责令商户收回货架、清理杂物，商户已于当天整改完毕。",
        "next_steps": "我们已将该地点列入日常巡查；如再次出现占道经营，请通过原渠道再次反映。",
        "updated_at": timezone.now(), **overrides}
    return ResponseTemplate.objects.create(**values)


def test_a_template_prefills_the_sections_by_link_and_by_button_and_its_blanks_must_be_filled(org):
    case = concluded(org)
    template = _template()
    handler = staff(org, "handler")
    response = handler.get(f"/staff/feedback/cases/{case.number}/answer/", {"template": str(template.public_id)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市城市管理局执法队员于【请填写：核查日期】到现场查看了您反映的“路口商户长期占道经营”问题。" in html
    assert f"经核查，您反映的情况属实，案件编号{case.number}。" in html
    by_button = handler.post(f"/staff/feedback/cases/{case.number}/answer/",
                             form({key: "" for key in SECTIONS}, **{"action": "prefill",
                                                                    "answer-template": str(template.public_id)}))
    assert by_button.status_code == 200 and f"案件编号{case.number}" in by_button.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.CONCLUDED  # filling in sends nothing
    filled = parse(compose({
        "checked": "示范市城市管理局执法队员于【请填写：核查日期】到现场查看了您反映的问题。",
        "found": f"经核查，您反映的情况属实，案件编号{case.number}。", "done": template.done,
        "next_steps": template.next_steps}))
    refused = handler.post(f"/staff/feedback/cases/{case.number}/answer/",
                           form(filled, **{"answer-template": str(template.public_id)}), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Replace the blank 【请填写：核查日期】" in refused.content.decode()
    filled["checked"] = filled["checked"].replace("【请填写：核查日期】", "3月3日上午")
    sent = handler.post(f"/staff/feedback/cases/{case.number}/answer/",
                        form(filled, **{"answer-template": str(template.public_id)}))
    assert sent.status_code == 302
    assert FeedbackAnswer.objects.get(case=case).template == template


def test_only_the_lead_department_sees_the_answer_form(org):
    case = concluded(org)
    for who in ("handler_zj", "head_zj"):
        assert staff(org, who).get(f"/staff/cases/{case.number}/").status_code == 404
    page = staff(org, "supervisor").get(f"/staff/cases/{case.number}/").content.decode()
    assert 'name="answer-checked"' not in page
    refused = staff(org, "supervisor").post(f"/staff/feedback/cases/{case.number}/answer/", form(SECTIONS))
    assert refused.status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.CONCLUDED
