import re

from django.db import connection
from django.test import Client

REPORT = {
    "kind": "complaint", "title": "东华社区南门垃圾三天没人清运",
    "body": "东华社区南门垃圾堆放三天没人清运，气味很大，老人孩子出门都要绕路。",
    "region": "990102001001", "identity": "anonymous", "contact_preference": "none",
}
REAL_NAME = {
    **REPORT, "identity": "real_name", "name": "王建国", "id_number": "11010519491231002X", "phone": "13812345678",
    "contact_preference": "sms", "acknowledged_notice": "on",
}


def submit(client: Client, data: dict | None = None, **extra):
    response = client.post("/report/", data or REPORT, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/report/receipt/").content.decode()
    tracking = re.search(r'id="tracking">(\w+)<', page).group(1)
    receipt = re.search(r'id="receipt">([\d ]+)<', page)
    return tracking, receipt.group(1) if receipt else None


def login(tracking: str, receipt: str = "", phone: str = "") -> Client:
    client = Client()
    response = client.post("/followup/", {"tracking_number": tracking, "receipt": receipt, "phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def database_contains(needle: str) -> list[str]:
    """Every table.column whose stored text contains `needle` (the whole database, not just our models)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None and needle in (value.decode("latin-1") if isinstance(value, bytes | memoryview)
                                                        and not isinstance(value, memoryview) else str(value)):
                        found.append(f"{table}.{column}")
    return found
