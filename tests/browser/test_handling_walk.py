"""One case walked through handling in a real browser, each step by the right role: dispatch, return, re-dispatch,
joint handling, extension, conclusion and its approval, the answer with its letter, follow-up, dissatisfaction,
review by another handler, and closing.

Forms are found by their action and fields by their name, so that the walk does not depend on the wording."""

from __future__ import annotations

import base64
import os
import re

import pytest

from jubao.accounts.actors import Actor
from jubao.accounts.models import User
from jubao.cases.models import Case, CaseState
from jubao.cases.services import ReportInput, case_register
from jubao.demo.organisation import build_demo_organisation
from jubao.handling.models import CaseReturn, ExtensionRequest, HandlingTask, RequestStatus, TaskStatus
from jubao.protection.vault import identity_store
from jubao.taxonomy.models import Category

from .conftest import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def vault_keys(settings, tmp_path):
    settings.JUBAO_VAULT_KEY_FILE = str(tmp_path / "absent" / "vault.json")
    settings.JUBAO_VAULT_KEYS = "t1:" + base64.b64encode(os.urandom(32)).decode()
    settings.JUBAO_VAULT_ACTIVE_KEY = "t1"
    settings.JUBAO_VAULT_HMAC_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def case(vault_keys):
    org = build_demo_organisation(password=PASSWORD, extra_staff=False)
    clerk = Actor.staff(org.users["clerk"])
    identity = identity_store(actor=clerk, name="王建国", id_number="", phone="13800138000")
    report = case_register(actor=clerk, report=ReportInput(
        channel="hotline", kind="complaint", title="东华社区烧烤店占道经营、油烟扰民",
        body="东华社区南门外一家烧烤店每晚在人行道摆桌经营到凌晨，油烟和噪声严重扰民，多次反映未解决。",
        region=org.regions["990102001001"], identity_id=identity.pk, contact_preference="phone",
    ))
    return report.case


class Walk:
    def __init__(self, page, live_server, number: str):
        self.page, self.url, self.number = page, live_server.url, number

    def as_(self, username: str) -> Walk:
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.url}/staff/account/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form:has(input[name=password]) button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{self.url}/staff/cases/{self.number}/")
        return self

    def form(self, action_suffix: str):  # type: ignore[no-untyped-def]
        form = self.page.locator(f"form[action*='{action_suffix}']").first
        details = form.locator("xpath=ancestor::details[1]")
        if details.count() and details.get_attribute("open") is None:
            details.locator("summary").first.click()
        return form

    def submit(self, form, button: str | None = None) -> None:  # type: ignore[no-untyped-def]
        form.locator(button or "button[type=submit]").first.click()
        self.page.wait_for_load_state()
        assert not self.page.locator(".errors[role=alert], .error").count(), self.page.locator(
            ".errors, .error").all_inner_texts()

    def answer(self, found: str) -> None:
        form = self.form("/feedback/cases/")
        form.locator("textarea[name=answer-checked]").fill("城管执法队员于夜间两次到东华社区南门现场核查，并询问了周边居民。")
        form.locator("textarea[name=answer-found]").fill(f"{found}，您反映的占道经营和油烟扰民问题属实。")
        form.locator("textarea[name=answer-done]").fill("已责令店主收回占道桌椅、加装油烟净化设备，并依法处以罚款。")
        form.locator("textarea[name=answer-next_steps]").fill("城管中队每晚巡查该路段一个月；如再出现，请拨打12345反映。")
        self.submit(form, button="button[name=action][value=send]")

    def follow_up(self, satisfaction: str, reason: str = "") -> None:
        from jubao.feedback.models import FollowUp

        task = FollowUp.objects.filter(report__case__number=self.number, status="open").latest("id")
        self.as_("clerk")
        self.page.goto(f"{self.url}/staff/feedback/followups/{task.public_id}/")
        form = self.page.locator("form:has(input[name=outcome])")
        form.locator("input[name=outcome][value=reached]").check()
        form.locator(f"input[name=satisfaction][value={satisfaction}]").check()
        if reason:
            form.locator("textarea[name=reason]").fill(reason)
        self.submit(form)

    def state(self) -> str:
        return Case.objects.get(number=self.number).state


def test_a_case_walks_from_dispatch_to_close(page, live_server, case):
    walk = Walk(page, live_server, case.number)
    category = Category.objects.get(name="城管执法")

    # The dispatcher accepts the case as complex and dispatches it to the wrong department.
    walk.as_("dispatcher")
    form = walk.form("/act/accept/")
    form.locator("select[name=accept-category]").select_option(str(category.pk))
    form.locator("select[name=accept-grade]").select_option("complex")
    walk.submit(form)
    form = walk.form("/act/dispatch/")
    form.locator("select[name=dispatch-department]").select_option("zhujian")
    walk.submit(form)
    assert walk.state() == CaseState.DISPATCHED

    # 住建 returns it with a reason.
    walk.as_("handler_zj")
    form = walk.form("/act/return/")
    form.locator("textarea[name=return-reason]").fill("占道经营和油烟属于城管职责，不属于住建部门，请重新分办。")
    walk.submit(form)
    assert walk.state() == CaseState.RETURNED and CaseReturn.objects.get(case=case).department.code == "zhujian"

    # The dispatcher re-dispatches: 城管 leads, 住建 co-handles.
    walk.as_("dispatcher")
    form = walk.form("/act/dispatch/")
    form.locator("select[name=dispatch-department]").select_option("chengguan")
    form.locator("select[name=dispatch-co_departments]").select_option(["zhujian"])
    walk.submit(form)
    assert CaseReturn.objects.get(case=case).decision == "redispatched"

    # The head gives it to the suggested handler; the handler signs for it.
    walk.as_("head")
    form = walk.form("/assign/")
    form.locator("select[name=handler]").select_option("handler")
    form.locator("textarea[name=reason]").fill("张伟熟悉东华社区情况。")
    walk.submit(form)
    walk.as_("handler")
    walk.submit(walk.form("/act/start/"))
    assert walk.state() == CaseState.IN_PROGRESS

    # Joint handling: 住建 reports on its own task.
    walk.as_("handler_zj")
    form = walk.form("/report/")
    form.locator("textarea[name=text]").fill("住建局已核查该店铺所在房屋为商业用房，未发现违规改建，情况已告知主办单位。")
    walk.submit(form)
    assert HandlingTask.objects.get(case=case).status == TaskStatus.REPORTED

    # Extension: the handler asks, the head approves.
    walk.as_("handler")
    form = walk.form("/extension/")
    form.locator("textarea[name=reason]").fill("需要等待环境监测站出具夜间噪声检测报告。")
    walk.submit(form)
    walk.as_("head")
    assert_no_serious_axe_violations(page)  # the case page with the handling forms open
    walk.submit(walk.form("/extension-decide/"), button="button[name=approve]")
    assert walk.state() == CaseState.EXTENDED
    assert ExtensionRequest.objects.get(case=case).status == RequestStatus.APPROVED

    # Conclusion: the handler submits it, the head approves it (a complex case).
    walk.as_("handler")
    form = walk.form("/conclusion/")
    form.locator("select[name=finding]").select_option("substantiated")
    form.locator("textarea[name=facts]").fill("经两次夜间现场核查，该烧烤店确在人行道摆桌经营至凌晨，噪声检测超标。")
    form.locator("textarea[name=measures]").fill("已责令其收回占道桌椅、加装油烟净化设备，并依法处以罚款。")
    form.locator("textarea[name=legal_basis]").fill("《城市市容和环境卫生管理条例》第十七条")
    walk.submit(form)
    assert walk.state() == CaseState.EXTENDED
    walk.as_("head")
    walk.submit(walk.form("/conclusion-decide/"), button="button[name=approve]")
    assert walk.state() == CaseState.CONCLUDED
    assert re.search("罚款", Case.objects.get(pk=case.pk).conclusion_text)

    # The handler answers in four sections; the real-name reporter gets a reply letter.
    walk.as_("handler")
    walk.answer("经两次夜间现场核查")
    assert walk.state() == CaseState.ANSWERED
    letter = walk.page.locator("a[href*='/letters/1/']")
    with walk.page.expect_download() as download:
        letter.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The clerk calls the reporter back: dissatisfied, so a review opens.
    walk.follow_up("dissatisfied", reason="烧烤店整改几天后又在人行道摆桌了。")
    assert walk.state() == CaseState.UNDER_REVIEW

    # The head names another handler as reviewer; the first handler may not conclude the review.
    walk.as_("head")
    form = walk.form("/review/reviewer/")
    form.locator("select[name=review-reviewer]").select_option(str(User.objects.get(username="handler2").public_id))
    walk.submit(form)
    walk.as_("handler2")
    form = walk.form("/conclusion/")
    form.locator("select[name=finding]").select_option("substantiated")
    form.locator("textarea[name=facts]").fill("复查发现该烧烤店整改后再次占道经营，原处理措施未落实到位。")
    form.locator("textarea[name=measures]").fill("已暂扣占道桌椅，责令停业整顿三日，并安排每晚巡查。")
    walk.submit(form)
    walk.as_("head")
    walk.submit(walk.form("/conclusion-decide/"), button="button[name=approve]")
    assert walk.state() == CaseState.CONCLUDED

    # The reviewer answers again; this time the reporter is satisfied and the dispatcher closes the case.
    walk.as_("handler2")
    walk.answer("复查发现该烧烤店整改后再次占道经营")
    walk.follow_up("satisfied")
    assert walk.state() == CaseState.RATED
    walk.as_("dispatcher")
    assert_no_serious_axe_violations(page)
    walk.submit(walk.form("/act/close/"))
    assert walk.state() == CaseState.CLOSED
