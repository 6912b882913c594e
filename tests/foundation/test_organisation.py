import pytest

from jubao.cases.models import Case
from jubao.cases.selectors import cases_visible_to
from jubao.cases.services import ReportInput, case_register
from jubao.organisation.models import Region, RegionLevel
from jubao.organisation.services import OrganisationError, region_save

pytestmark = pytest.mark.django_db


def test_moving_a_township_to_another_district_moves_its_villages_and_cases(org):
    case = case_register(actor=org.actor("clerk"), report=ReportInput(
        channel="hotline", kind="complaint", title="路灯不亮", body="柳林村村口路灯坏了一个月。",
        region=org.regions["990103101201"],
    )).case
    east_supervisor = org.users["supervisor_east"]
    assert not cases_visible_to(east_supervisor).filter(pk=case.pk).exists()

    township = org.regions["990103101"]
    township.parent = org.regions["990102"]
    region_save(actor=None, region=township)

    village = Region.objects.get(code="990103101201")
    assert village.path == "/990000/990100/990102/990103101/990103101201/"
    assert Case.objects.get(pk=case.pk).region_path == village.path
    assert cases_visible_to(east_supervisor).filter(pk=case.pk).exists()


def test_a_region_cannot_sit_at_or_above_its_parents_level(org):
    with pytest.raises(OrganisationError):
        region_save(actor=None, region=Region(code="990102999", name="错误", level=RegionLevel.CITY,
                                               parent=org.regions["990102"]))


def test_full_name_reads_from_the_top_of_the_tree(org):
    assert org.regions["990102001001"].full_name() == "示范省示范市东城区东华街道东华社区"
