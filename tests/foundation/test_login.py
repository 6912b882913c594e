import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.cache import cache

pytestmark = pytest.mark.django_db
LOGIN = "/staff/account/login/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_passwords_are_hashed_with_argon2(org):
    assert identify_hasher(org.users["dispatcher"].password).algorithm == "argon2"


def test_staff_log_in_and_land_on_their_work_queue(org, client):
    response = client.post(LOGIN, {"username": "dispatcher", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_pages_need_a_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_repeated_failures_lock_the_login_out_for_a_while_even_with_the_right_password(org, client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _ in range(3):
        response = client.post(LOGIN, {"username": "dispatcher", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": "dispatcher", "password": "correct-horse-battery"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    # Another user is not affected.
    assert client.post(LOGIN, {"username": "clerk", "password": "correct-horse-battery"}).status_code == 302


def test_a_failed_login_is_explained_in_chinese_by_default(org, client):
    response = client.post(LOGIN, {"username": "dispatcher", "password": "wrong"})
    assert "请输入" in response.content.decode() or "正确" in response.content.decode()
