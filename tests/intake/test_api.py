"""The reporter-side JSON API."""

import json

import pytest

from jubao.cases.models import Report

pytestmark = pytest.mark.django_db
BODY = {"kind": "complaint", "title": "路灯坏了一个月", "body": "柳林村村口路灯坏了一个月，晚上很黑。", "region": "990103101201"}


def test_an_anonymous_report_through_the_api_returns_tracking_number_and_receipt(org, client):
    response = client.post("/api/v1/reports", json.dumps(BODY), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert Report.objects.get(tracking_number=body["tracking_number"]).channel == "api"
    status = client.get("/api/v1/reporter/report", HTTP_X_TRACKING_NUMBER=body["tracking_number"],
                        HTTP_X_RECEIPT=body["receipt"])
    assert status.status_code == 200
    assert status.json()["state"] == "registered"
    sent = client.post("/api/v1/reporter/messages", json.dumps({"body": "补充：灯杆编号 17"}),
                       content_type="application/json", HTTP_X_TRACKING_NUMBER=body["tracking_number"],
                       HTTP_X_RECEIPT=body["receipt"])
    assert sent.status_code == 200 and sent.json()["messages"][0]["body"] == "补充：灯杆编号 17"


def test_a_wrong_receipt_gets_401(org, client):
    body = client.post("/api/v1/reports", json.dumps(BODY), content_type="application/json").json()
    response = client.get("/api/v1/reporter/report", HTTP_X_TRACKING_NUMBER=body["tracking_number"],
                          HTTP_X_RECEIPT="0000 0000 0000 0000")
    assert response.status_code == 401


def test_bad_input_names_the_field(org, client):
    response = client.post("/api/v1/reports", json.dumps({**BODY, "region": "000000"}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "region"
    response = client.post("/api/v1/reports", json.dumps({**BODY, "kind": "nonsense"}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "kind"
