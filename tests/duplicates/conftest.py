import pytest

from tests.helpers import FAST_HASHERS, module_org  # noqa: F401  (module_org is a fixture)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def org(module_org, db):  # noqa: F811
    """The demo organisation, built once per module; each test runs in its own savepoint."""
    return module_org
