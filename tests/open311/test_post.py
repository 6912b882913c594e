"""POST requests: the API key, validation in the spec's error format, the report it registers,
real-name reporters in the vault, CSRF and the throttle."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jubao.audit.models import AuditEvent
from jubao.cases.models import Case, Report
from jubao.open311.models import Open311ApiKey, Open311Request
from jubao.open311.services import api_key_create
from jubao.protection.models import ReporterIdentity
from jubao.protection.vault import identity_reveal
from jubao.taxonomy.models import Category

from . import spec
from .conftest import post_form

DESCRIPTION = "东华路与花园街交叉口的井盖缺失已经三天，夜里有行人差点踩空，请尽快处理。"


def service(name: str = "市政道路") -> str:
    return f"c{Category.objects.get(name=name).pk}"


def params(key: str, **overrides) -> dict:
    base = {"api_key": key, "service_code": service(), "description": DESCRIPTION,
            "lat": "30.123456", "long": "120.654321"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def created(response) -> Report:
    assert response.status_code == 200, response.content
    [item] = response.json()
    return Report.objects.select_related("case", "open311").get(tracking_number=item["service_request_id"])


# --- success ---------------------------------------------------------------------------------------
def test_a_post_registers_an_anonymous_report_on_the_api_channel(org, client, api_key):
    response = post_form(client, "json", params(api_key, address_string="东华路与花园街交叉口"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    spec.check_created(response.json())
    [item] = response.json()
    assert item["account_id"] is None
    report = created(response)
    assert item["service_notice"] and report.tracking_number in item["service_notice"]
    assert report.channel == "api" and report.kind_id == "complaint"
    assert report.title == DESCRIPTION[:30] and report.body == DESCRIPTION
    assert report.region.code == "990100"  # the only city: no jurisdiction_id and no key region needed
    assert (report.latitude, report.longitude) == (Decimal("30.123456"), Decimal("120.654321"))
    assert report.address == "东华路与花园街交叉口"
    assert report.is_anonymous and report.identity_id is None
    assert report.case.state == "registered" and report.case.region_id == report.region_id
    assert report.open311.category == Category.objects.get(name="市政道路")
    assert report.open311.api_key.name == "tests"
    event = AuditEvent.objects.get(case=report.case, kind="case.registered")
    assert event.actor_kind == "system" and event.actor_label == "open311:tests"
    assert event.payload["channel"] == "api"


def test_the_xml_answer_is_the_service_requests_envelope(org, client, api_key):
    response = post_form(client, "xml", params(api_key))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root, data = spec.read_xml(response.content)
    assert root == "service_requests"
    spec.check_created(data)
    assert data[0]["account_id"] is None  # <account_id/>
    assert Report.objects.filter(tracking_number=data[0]["service_request_id"], channel="api").exists()


def test_region_comes_from_the_key_or_the_jurisdiction(org, client, api_key, east_key, settings):
    assert created(post_form(client, "json", params(east_key))).region.code == "990102001001"
    # The key's region lies inside the jurisdiction named: the more precise one wins.
    assert created(post_form(client, "json", params(east_key, jurisdiction_id="990100"))).region.code \
        == "990102001001"
    settings.JUBAO_OPEN311_JURISDICTIONS = {"west": "990103", "city": "990100"}
    assert created(post_form(client, "json", params(east_key, jurisdiction_id="west"))).region.code == "990103"
    assert created(post_form(client, "json", params(api_key, jurisdiction_id="city"))).region.code == "990100"
    # Several jurisdictions, none named and no key region: the client must say which.
    response = post_form(client, "json", params(api_key))
    assert response.status_code == 400
    spec.check_errors(response.json(), 400)
    response = post_form(client, "json", params(api_key, jurisdiction_id="990104"))
    assert response.status_code == 404
    spec.check_errors(response.json(), 404)


def test_any_one_location_is_enough(org, client, api_key):
    only_address = created(post_form(client, "json", params(api_key, lat=None, long=None, address_string="花园街")))
    assert only_address.address == "花园街" and only_address.latitude is None
    only_id = created(post_form(client, "json", params(api_key, lat=None, long=None, address_id="ADDR-42")))
    assert only_id.open311.address_id == "ADDR-42" and only_id.address == ""


def test_attributes_fill_jubao_fields(org, client, api_key):
    report = created(post_form(client, "json", params(
        api_key, **{"attribute[kind]": "suggestion", "attribute[reported_subject]": "某某物业公司",
                    "attribute[occurred_on]": "2026-03-01T08:30:00+08:00", "attribute[unknown]": "ignored"})))
    assert report.kind_id == "suggestion" and report.case.kind_id == "suggestion"
    assert report.reported_subject == "某某物业公司"
    assert str(report.occurred_on) == "2026-03-01"
    by_name = created(post_form(client, "json", params(api_key, **{"attribute[kind]": "求助"})))
    assert by_name.kind_id == "help"


def test_media_url_becomes_a_line_of_the_report_text(org, client, api_key):
    report = created(post_form(client, "json", params(api_key, media_url="https://img.example.cn/a.jpg")))
    assert report.body == f"{DESCRIPTION}\n\nMedia: https://img.example.cn/a.jpg"
    assert report.open311.media_url == "https://img.example.cn/a.jpg"


def test_the_title_is_the_first_thirty_characters_on_one_line(org, client, api_key):
    text = "第一行\r\n第二行  有空格\t" + "很长" * 40
    report = created(post_form(client, "json", params(api_key, description=text)))
    assert report.title == " ".join(text.split())[:30]
    assert "\r" not in report.body and report.body.startswith("第一行\n第二行")


def test_the_key_records_when_it_was_last_used(org, client, api_key):
    assert Open311ApiKey.objects.get().last_used_at is None
    created(post_form(client, "json", params(api_key)))
    assert Open311ApiKey.objects.get().last_used_at is not None


def test_csrf_does_not_apply_the_key_does(org, api_key):
    csrf_client = Client(enforce_csrf_checks=True)
    assert post_form(csrf_client, "json", params(api_key)).status_code == 200


# --- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "o311_not-a-real-key", "jbk_a-staff-token"])
def test_a_missing_or_invalid_api_key_is_a_spec_403(org, client, fmt, key):
    response = post_form(client, fmt, params(key))
    assert response.status_code == 403
    data = response.json() if fmt == "json" else spec.read_xml(response.content)[1]
    spec.check_errors(data, 403)
    assert not Report.objects.exists()


def test_an_inactive_key_is_refused(org, client):
    key, secret = api_key_create(name="old app")
    key.is_active = False
    key.save()
    assert post_form(client, "json", params(secret)).status_code == 403


@pytest.mark.parametrize("overrides", [
    {"description": None}, {"description": ""}, {"description": "  \n\t "}, {"description": "长" * 4001},
    {"lat": None, "long": None}, {"lat": None}, {"long": None}, {"lat": "91", "long": "120"},
    {"lat": "30", "long": "-180.5"}, {"lat": "north", "long": "120"}, {"lat": "NaN", "long": "120"},
    {"lat": "Infinity", "long": "1"}, {"service_code": None}, {"service_code": " "},
    {"media_url": "javascript:alert(1)"}, {"media_url": "not a url"},
    {"attribute[kind]": "gossip"}, {"attribute[occurred_on]": "last Tuesday"},
    {"attribute[occurred_on]": "2099-01-01"}, {"attribute[anonymous]": "maybe"},
    {"attribute[anonymous]": "false"}, {"attribute[reported_subject]": "某" * 201},
    {"address_string": "路" * 256}, {"phone": "12"}, {"email": "not-an-email"},
    {"first_name": "名" * 51},
], ids=lambda o: ",".join(f"{k}={str(v)[:12]}" for k, v in o.items()))
def test_missing_or_invalid_parameters_are_a_spec_400(org, client, api_key, overrides):
    response = post_form(client, "json", params(api_key, **overrides))
    assert response.status_code == 400, response.content
    spec.check_errors(response.json(), 400)
    assert not Report.objects.exists() and not ReporterIdentity.objects.exists()


@pytest.mark.parametrize("service_code", ["c999999", "street-light", "parent"])
def test_an_unknown_service_code_is_a_spec_404(org, client, api_key, service_code):
    if service_code == "parent":
        service_code = service("城乡建设")
    response = post_form(client, "xml", params(api_key, service_code=service_code))
    assert response.status_code == 404
    root, data = spec.read_xml(response.content)
    assert root == "errors"
    spec.check_errors(data, 404)


def test_error_descriptions_follow_the_language(org, client):
    english = post_form(client, "json", params(""), HTTP_ACCEPT_LANGUAGE="en").json()[0]["description"]
    assert english == "An api_key is required."


# --- real-name reporters ---------------------------------------------------------------------------
PERSON = {"first_name": "思远", "last_name": "欧阳", "phone": "13800138000", "email": "zhangsan@example.cn",
          "device_id": "DEVICE-8c1f", "account_id": "acct-5521"}


def test_identity_goes_to_the_vault_and_makes_the_report_real_name(org, client, api_key):
    response = post_form(client, "json", params(api_key, **PERSON))
    report = created(response)
    assert not report.is_anonymous and report.case.is_real_name
    assert report.contact_preference == "phone"
    document = identity_reveal(report.identity)
    assert (document["name"], document["phone"]) == ("欧阳思远", "13800138000")
    assert document["email"] == "zhangsan@example.cn"
    assert document["extra"] == {"device_id": "DEVICE-8c1f", "account_id": "acct-5521"}
    assert report.reporter_pseudonym == report.identity.pseudonym
    # Nothing of it is echoed back or stored outside the vault.
    for value in (*PERSON.values(), report.identity.pseudonym):
        assert value not in response.content.decode()
        assert value not in report.body + report.title + report.address
    assert response.json()[0]["account_id"] is None


def test_a_western_name_is_given_then_family(org, client, api_key):
    report = created(post_form(client, "json", params(api_key, first_name="Ada", last_name="Lovelace")))
    assert identity_reveal(report.identity)["name"] == "Ada Lovelace"


def test_anonymous_true_discards_the_identity(org, client, api_key):
    report = created(post_form(client, "json", params(api_key, **PERSON, **{"attribute[anonymous]": "true"})))
    assert report.is_anonymous and report.identity_id is None
    assert not ReporterIdentity.objects.exists()


def test_a_device_or_account_id_alone_does_not_make_a_real_name_report(org, client, api_key):
    report = created(post_form(client, "json", params(api_key, device_id="DEV-1", account_id="A-1")))
    assert report.is_anonymous and not ReporterIdentity.objects.exists()


def test_without_a_vault_key_a_real_name_report_is_refused_and_nothing_is_kept(org, client, api_key, settings):
    settings.JUBAO_VAULT_KEYS = ""
    response = post_form(client, "json", params(api_key, **PERSON))
    assert response.status_code == 503
    spec.check_errors(response.json(), 503)
    assert not Report.objects.exists() and not Case.objects.exists() and not ReporterIdentity.objects.exists()
    assert created(post_form(client, "json", params(api_key))).is_anonymous  # anonymous reports still work


def test_identity_never_reaches_the_log_or_any_sql_in_clear(org, client, api_key, caplog):
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        assert post_form(client, "json", params(api_key, **PERSON)).status_code == 200
        assert post_form(client, "json", params(api_key, **{**PERSON, "email": "bad"})).status_code == 400
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert "INSERT" in sql
    for value in PERSON.values():
        assert value not in caplog.text
        assert value not in sql


# --- throttle --------------------------------------------------------------------------------------
def test_posts_are_throttled_per_key(org, client, api_key, east_key, settings):
    settings.JUBAO_OPEN311_POSTS_PER_MINUTE = 2
    assert post_form(client, "json", params(api_key)).status_code == 200
    assert post_form(client, "json", params(api_key, description="")).status_code == 400  # counts too
    response = post_form(client, "json", params(api_key), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    spec.check_errors(response.json(), 429)
    assert response.json()[0]["description"].startswith("Too many requests")
    xml = post_form(client, "xml", params(api_key))
    assert xml.status_code == 429 and spec.read_xml(xml.content)[0] == "errors"
    assert post_form(client, "json", params(east_key)).status_code == 200  # another key has its own budget
    assert Report.objects.count() == 2


def test_the_window_forgets_old_posts(settings):
    from jubao.open311.throttle import throttle_hit

    settings.JUBAO_OPEN311_POSTS_PER_MINUTE = 2
    assert throttle_hit(7, now=100.0) is None
    assert throttle_hit(7, now=110.0) is None
    assert throttle_hit(7, now=120.0) == 40  # the first post leaves the window at 160
    assert throttle_hit(7, now=160.5) is None


def test_open311_requests_link_reports_to_their_key(org, client, api_key):
    report = created(post_form(client, "json", params(api_key)))
    request = Open311Request.objects.get(report=report)
    assert request.service_code == service() and request.created_at == report.created_at
    assert timezone.now() - report.created_at < timedelta(minutes=1)
