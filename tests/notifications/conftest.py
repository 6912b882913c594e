import itertools

import pytest

from jubao.accounts.models import User
from jubao.organisation.models import Department, Region

_names = itertools.count()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _region(code, name, level, parent=None):
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = f"{parent.path}{code}/" if parent else f"/{code}/"
    region.save()
    return region


@pytest.fixture
def regions(db):
    province = _region("330000", "Zhejiang", "province")
    hangzhou = _region("330100", "Hangzhou", "city", province)
    shangcheng = _region("330102", "Shangcheng", "county", hangzhou)
    ningbo = _region("330200", "Ningbo", "city", province)
    return {"province": province, "hangzhou": hangzhou, "shangcheng": shangcheng, "ningbo": ningbo}


@pytest.fixture
def make_department(regions):
    def make(code, region):
        return Department.objects.create(code=code, name=code, region=region)

    return make


@pytest.fixture
def make_user(db):
    def make(role, *, jurisdiction=None, department=None, is_active=True, email=""):
        return User.objects.create_user(
            username=f"user{next(_names)}", password="not-used-here-1", role=role,
            jurisdiction=jurisdiction, department=department, is_active=is_active, email=email,
        )

    return make
