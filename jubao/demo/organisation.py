"""The demo organisation: one city with three districts, townships, villages, twelve city
departments plus district offices, a realistic category tree, and one user per role.

Division codes start with 99, which no real province uses, so demo data can never be
mistaken for a real place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from jubao.accounts.actors import Actor
from jubao.accounts.models import Role, User
from jubao.organisation.models import Department, Region, RegionLevel
from jubao.organisation.services import department_upsert, region_upsert
from jubao.taxonomy.models import Category, Kind, Sector
from jubao.taxonomy.services import category_import_tree, kind_upsert, sector_upsert

DEMO_PASSWORD = "jubao-demo-2026"

KINDS = [
    ("accusation", "检举控告"), ("complaint", "投诉"), ("help", "求助"),
    ("suggestion", "建议"), ("enquiry", "咨询"), ("appeal", "申诉"),
]

SECTORS = [
    ("urban", "城区"), ("rural", "农村"), ("enterprise", "企业"), ("school", "学校"),
    ("hospital", "医疗机构"), ("community", "社区"), ("government", "机关事业单位"),
]

CATEGORY_TREE = [
    {"name": "城乡建设", "children": [
        {"name": "城市建设和市政管理", "children": [
            {"name": "市政道路"}, {"name": "环境卫生"}, {"name": "城管执法"}, {"name": "燃气供应"},
            {"name": "自来水供应"}, {"name": "小区管理"}]},
        {"name": "城乡规划", "children": [{"name": "违章建筑"}, {"name": "规划方案"}]},
        {"name": "住房保障和房地产", "children": [{"name": "物业管理"}, {"name": "房屋质量"}, {"name": "拆迁安置"}]},
        {"name": "安全生产", "children": [{"name": "安全隐患"}, {"name": "事故处理"}]},
    ]},
    {"name": "环境保护", "children": [
        {"name": "大气污染", "children": [{"name": "工业废气"}, {"name": "扬尘"}, {"name": "油烟"}]},
        {"name": "水污染", "children": [{"name": "工业废水"}, {"name": "生活污水"}]},
        {"name": "噪声污染", "children": [{"name": "施工噪声"}, {"name": "社会生活噪声"}]},
    ]},
    {"name": "劳动和社会保障", "children": [
        {"name": "劳动关系", "children": [{"name": "拖欠工资"}, {"name": "劳动合同"}]},
        {"name": "社会保险", "children": [{"name": "养老保险"}, {"name": "医疗保险"}]},
    ]},
    {"name": "教育文体", "children": [
        {"name": "基础教育", "children": [{"name": "招生入学"}, {"name": "教育收费"}, {"name": "校园安全"}]},
        {"name": "文化体育", "children": [{"name": "文化市场"}]},
    ]},
    {"name": "卫生计生", "children": [
        {"name": "医疗服务", "children": [{"name": "医疗纠纷"}, {"name": "医德医风"}]},
        {"name": "食品安全", "children": [{"name": "餐饮卫生"}]},
    ]},
    {"name": "商贸旅游", "children": [
        {"name": "市场监管", "children": [{"name": "价格违法"}, {"name": "假冒伪劣"}, {"name": "消费维权"}]},
        {"name": "旅游市场", "children": [{"name": "强制购物"}]},
    ]},
    {"name": "党风廉政", "children": [
        {"name": "违反廉洁纪律", "children": [{"name": "收受礼金"}, {"name": "公款吃喝"}]},
        {"name": "失职渎职", "children": [{"name": "不作为乱作为"}]},
        {"name": "基层微腐败", "children": [{"name": "三资管理"}, {"name": "惠民资金"}, {"name": "村级选举"}]},
    ]},
    {"name": "公共安全", "children": [
        {"name": "治安管理", "children": [{"name": "治安隐患"}, {"name": "电信诈骗"}]},
        {"name": "交通安全", "children": [{"name": "交通违法"}]},
    ]},
]

# (code, name, competent top-level categories)
CITY_DEPARTMENTS = [
    ("jiwei", "纪委监委", ["党风廉政"]),
    ("xinfang", "信访局", []),
    ("gongan", "公安局", ["公共安全"]),
    ("scjg", "市场监管局", ["商贸旅游", "卫生计生"]),
    ("sthj", "生态环境局", ["环境保护"]),
    ("zhujian", "住房和城乡建设局", ["城乡建设"]),
    ("chengguan", "城市管理局", ["城乡建设"]),
    ("renshe", "人力资源和社会保障局", ["劳动和社会保障"]),
    ("jiaoyu", "教育局", ["教育文体"]),
    ("weijian", "卫生健康委员会", ["卫生计生"]),
    ("ziranziyuan", "自然资源和规划局", ["城乡建设"]),
    ("yingji", "应急管理局", ["城乡建设", "公共安全"]),
]

REGIONS = [
    # (code, name, level, parent code)
    ("990000", "示范省", RegionLevel.PROVINCE, None),
    ("990100", "示范市", RegionLevel.CITY, "990000"),
    ("990102", "东城区", RegionLevel.COUNTY, "990100"),
    ("990103", "西城区", RegionLevel.COUNTY, "990100"),
    ("990104", "南湖区", RegionLevel.COUNTY, "990100"),
    ("990102001", "东华街道", RegionLevel.TOWNSHIP, "990102"),
    ("990102002", "朝阳街道", RegionLevel.TOWNSHIP, "990102"),
    ("990103001", "西湖街道", RegionLevel.TOWNSHIP, "990103"),
    ("990103101", "柳林镇", RegionLevel.TOWNSHIP, "990103"),
    ("990104001", "湖滨街道", RegionLevel.TOWNSHIP, "990104"),
    ("990104201", "桃源乡", RegionLevel.TOWNSHIP, "990104"),
    ("990102001001", "东华社区", RegionLevel.VILLAGE, "990102001"),
    ("990102001002", "花园社区", RegionLevel.VILLAGE, "990102001"),
    ("990102002001", "朝阳社区", RegionLevel.VILLAGE, "990102002"),
    ("990103001001", "西湖社区", RegionLevel.VILLAGE, "990103001"),
    ("990103101201", "柳林村", RegionLevel.VILLAGE, "990103101"),
    ("990103101202", "杨庄村", RegionLevel.VILLAGE, "990103101"),
    ("990104001001", "湖滨社区", RegionLevel.VILLAGE, "990104001"),
    ("990104201201", "桃源村", RegionLevel.VILLAGE, "990104201"),
    ("990104201202", "李家村", RegionLevel.VILLAGE, "990104201"),
]

# username, display name, role, department code, jurisdiction code
USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, "990100"),
    ("clerk", "受理员 王敏", Role.CLERK, "xinfang", "990100"),
    ("clerk2", "受理员 赵倩", Role.CLERK, "xinfang", "990100"),
    ("dispatcher", "分办员 李强", Role.DISPATCHER, "xinfang", "990100"),
    ("handler", "承办人 张伟（城管）", Role.HANDLER, "chengguan", None),
    ("handler2", "承办人 陈静（城管）", Role.HANDLER, "chengguan", None),
    ("handler_zj", "承办人 刘洋（住建）", Role.HANDLER, "zhujian", None),
    ("head", "部门负责人 孙涛（城管）", Role.DEPARTMENT_HEAD, "chengguan", None),
    ("head_zj", "部门负责人 周磊（住建）", Role.DEPARTMENT_HEAD, "zhujian", None),
    ("supervisor", "督办 吴芳", Role.SUPERVISOR, "xinfang", "990100"),
    ("supervisor_east", "督办 郑斌（东城区）", Role.SUPERVISOR, None, "990102"),
    ("leader", "领导小组 冯军", Role.LEADERSHIP, None, "990100"),
    ("custodian", "身份保管人 何丽", Role.CUSTODIAN, "jiwei", "990100"),
    ("auditor", "审计 许文", Role.AUDITOR, None, "990100"),
]
# Every department handles cases: a handler and a head for each one not named above.
EXTRA_STAFF_DEPARTMENTS = ["jiwei", "gongan", "scjg", "sthj", "renshe", "jiaoyu", "weijian", "ziranziyuan", "yingji"]


@dataclass
class DemoOrganisation:
    regions: dict[str, Region] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        return Actor.staff(self.users[username])


@transaction.atomic
def build_demo_organisation(*, password: str = DEMO_PASSWORD, extra_staff: bool = True) -> DemoOrganisation:
    """Create (or complete) the demo organisation. Safe to run twice."""
    org = DemoOrganisation()
    system = Actor.system("demo-loader")
    for code, name, level, parent in REGIONS:
        org.regions[code] = region_upsert(actor=system, code=code, name=name, level=level,
                                          parent=org.regions.get(parent) if parent else None)
    for position, (code, name) in enumerate(KINDS):
        kind_upsert(actor=system, code=code, name=name, position=position)
    for code, name in SECTORS:
        sector_upsert(actor=system, code=code, name=name)
    category_import_tree(actor=system, nodes=CATEGORY_TREE)
    city = org.regions["990100"]
    for code, name, category_names in CITY_DEPARTMENTS:
        department = department_upsert(actor=system, code=code, name=name, region=city)
        department.categories.set(Category.objects.filter(parent__isnull=True, name__in=category_names))
        org.departments[code] = department
    for district_code, short in (("990102", "dc"), ("990103", "xc"), ("990104", "nh")):
        district = org.regions[district_code]
        for code, name in (("chengguan", "城市管理局"), ("zhujian", "住房和城乡建设局")):
            department = department_upsert(actor=system, code=f"{short}-{code}", name=name, region=district,
                                           parent=org.departments[code])
            org.departments[department.code] = department
    users = list(USERS)
    if extra_staff:
        for code in EXTRA_STAFF_DEPARTMENTS:
            dept_name = org.departments[code].name
            users.append((f"handler_{code}", f"承办人（{dept_name}）", Role.HANDLER, code, None))
            users.append((f"head_{code}", f"部门负责人（{dept_name}）", Role.DEPARTMENT_HEAD, code, None))
    for username, display, role, department_code, jurisdiction_code in users:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.role = display, role
        user.department = org.departments[department_code] if department_code else None
        user.jurisdiction = org.regions[jurisdiction_code] if jurisdiction_code else None
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if not user.has_usable_password() or user.pk is None:
            user.set_password(password)
        user.save()
        org.users[username] = user
    return org


def demo_kinds() -> list[Kind]:
    return list(Kind.objects.all())


def demo_sectors() -> list[Sector]:
    return list(Sector.objects.all())
