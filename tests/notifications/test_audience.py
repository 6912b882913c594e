import pytest

from jubao.accounts.models import Role
from jubao.notifications.audience import audience_users

pytestmark = pytest.mark.django_db


def _ids(users):
    return {user.pk for user in users}


def test_role_and_region_path_select_users_whose_region_lies_in_that_subtree(regions, make_user, make_department):
    hz_dept = make_department("hz-jw", regions["hangzhou"])
    sc_dept = make_department("sc-jw", regions["shangcheng"])
    nb_dept = make_department("nb-jw", regions["ningbo"])

    by_jurisdiction = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"])
    by_department = make_user(Role.SUPERVISOR, department=sc_dept)
    # Jurisdiction outranks department: this one's region is Ningbo, wherever the department is.
    make_user(Role.SUPERVISOR, jurisdiction=regions["ningbo"], department=hz_dept)
    make_user(Role.SUPERVISOR, department=nb_dept)
    make_user(Role.SUPERVISOR, jurisdiction=regions["province"])
    make_user(Role.HANDLER, jurisdiction=regions["hangzhou"])
    make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"], is_active=False)

    users = audience_users({"role": "supervisor", "region_path": regions["hangzhou"].path})

    assert _ids(users) == {by_jurisdiction.pk, by_department.pk}


def test_covering_path_selects_users_whose_jurisdiction_contains_the_place(regions, make_user):
    province = make_user(Role.SUPERVISOR, jurisdiction=regions["province"])
    city = make_user(Role.SUPERVISOR, jurisdiction=regions["hangzhou"])
    make_user(Role.SUPERVISOR, jurisdiction=regions["ningbo"])

    users = audience_users({"role": "supervisor", "covering_path": regions["shangcheng"].path})

    assert _ids(users) == {province.pk, city.pk}


def test_department_audience_means_its_handlers_and_head(regions, make_user, make_department):
    dept = make_department("hz-police", regions["hangzhou"])
    other = make_department("hz-market", regions["hangzhou"])
    handler = make_user(Role.HANDLER, department=dept)
    head = make_user(Role.DEPARTMENT_HEAD, department=dept)
    make_user(Role.CLERK, department=dept)
    make_user(Role.HANDLER, department=other)

    assert _ids(audience_users({"department_id": dept.pk})) == {handler.pk, head.pk}


def test_role_alone_means_every_active_user_with_that_role(regions, make_user):
    a = make_user(Role.AUDITOR)
    b = make_user(Role.AUDITOR, jurisdiction=regions["ningbo"])
    make_user(Role.AUDITOR, is_active=False)
    make_user(Role.ADMIN)

    assert _ids(audience_users({"role": "auditor"})) == {a.pk, b.pk}


def test_audience_without_a_selector_means_nobody(make_user):
    make_user(Role.AUDITOR)
    assert list(audience_users({})) == []
    assert list(audience_users({"address": "duty@example.org"})) == []


def test_unknown_audience_keys_are_rejected():
    with pytest.raises(ValueError, match="unknown audience keys"):
        audience_users({"role": "auditor", "everyone": True})
