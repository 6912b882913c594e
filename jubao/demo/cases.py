"""Demo cases: about two hundred believable reports driven through the real workflow.

Every case is registered with `case_register` and moved with `case_transition`, by the
demo user whose role would do it in real life, at moments spread over the last ~45 days
(office hours for staff, any waking hour for reporters). All cases are planned first and
then replayed in one global time order, with a light sweep every few simulated hours, so
the audit chain and the deadline history read like a real working month and a half.

Texts come from templates (one per kind of problem) with slots for places, firms, people,
amounts and dates. Names, ID numbers and phone numbers are invented: ID numbers carry the
demo region prefix 99, which no real province uses.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jubao.accounts.actors import Actor
from jubao.cases.guards import MERGE_TARGET_STATES
from jubao.cases.models import Case, CaseState, Finding, RefusalReason, Satisfaction
from jubao.cases.services import REGISTRATION_EFFECTS, ReportInput, case_register, case_transition
from jubao.cases.workflow import TRANSITIONS
from jubao.deadlines.calendar import WorkingCalendar
from jubao.deadlines.models import DeadlinePolicy, PolicyPack, Unit
from jubao.deadlines.sweeper import sweep_lights
from jubao.organisation.models import Region, RegionLevel
from jubao.protection.vault import identity_store
from jubao.taxonomy.models import Category

from .organisation import CATEGORY_TREE, CITY_DEPARTMENTS, DemoOrganisation

S = CaseState
HOUR = timedelta(hours=1)

# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One kind of problem. `body` sentences: the first and last are always used."""

    key: str
    leaf: str  # leaf category name ("" for reports that are refused)
    dept: str  # competent city department code
    kinds: tuple[str, ...]
    where: str  # "urban" (社区), "rural" (村) or "any"
    title: str
    body: tuple[str, ...]
    measures: str = ""  # what was done, when the report is substantiated
    short: str = ""  # the problem in a few words, for conclusions and answers
    subject: str = ""  # who or which unit is reported
    grades: tuple[str, ...] = ("simple", "complex")
    urgencies: tuple[str, ...] = ("normal",)
    co: tuple[str, ...] = ()  # co-handling departments
    misroute: str = ""  # a department a hurried dispatcher might wrongly send it to
    grid: bool = False  # a grid worker could have seen it on patrol
    refusal: str = ""  # RefusalReason for reports that are refused
    redirect: str = ""  # where the reporter should go instead
    refusal_reason_text: str = ""


def _t(key: str, leaf: str, dept: str, kinds: Iterable[str], where: str, title: str, body: Iterable[str],
       **kw: Any) -> Template:
    return Template(key, leaf, dept, tuple(kinds), where, title, tuple(body), **kw)


TEMPLATES: list[Template] = [
    _t("garbage_pickup", "环境卫生", "chengguan", ("complaint", "help"), "urban",
       "{community}垃圾收集点多日无人清运",
       ("{village}{community}{building}栋旁的垃圾收集点已经连续{days}天没有清运，垃圾桶全部满溢，垃圾散落在人行道上。",
        "异味很大，还招来了大量苍蝇和老鼠。",
        "居民多次向物业反映，物业称环卫公司的车辆一直没有按时来。",
        "小区里老人孩子多，大家担心滋生疾病。",
        "希望有关部门督促环卫公司按时清运，并对收集点进行消杀。"),
       measures="已责令辖区环卫作业公司当日完成清运并对收集点进行消杀，将该点位清运频次调整为每日两次，并纳入日常巡查。",
       short="垃圾清运不及时", subject="辖区环卫作业公司", grid=True, misroute="zhujian"),
    _t("rural_dumping", "环境卫生", "chengguan", ("complaint", "suggestion"), "rural",
       "{village}村口{river}边垃圾乱堆乱倒",
       ("{village}村口{river}边的空地被当成了垃圾场，生活垃圾和建筑垃圾堆了半人多高。",
        "一下雨，垃圾渗出的污水直接流进河里。",
        "村里的保洁员说没有转运车，垃圾拉不走。",
        "天热的时候臭味能飘到半个村子。",
        "请求镇里协调清运，并在村里设置固定的垃圾收集点。"),
       measures="已协调{town}组织人员和车辆清运垃圾约{tons}吨，在村内新设垃圾收集点两处，明确保洁员每日巡查，"
                "清运费用纳入镇级环卫保洁经费。",
       short="垃圾乱堆乱倒", subject="{village}村民委员会", grid=True),
    _t("ktv_noise", "社会生活噪声", "sthj", ("complaint",), "urban",
       "{road}{ktv}深夜噪声扰民",
       ("{road}{community}临街商铺里的{ktv}每天营业到凌晨两三点，音响声和客人喧哗声很大。",
        "楼上住户晚上根本无法入睡，家里老人已经因此血压升高。",
        "居民打过110，民警来了以后安静一会儿，走了又恢复原样。",
        "该店门口还经常有人酒后大声喧哗。",
        "希望有关部门依法查处，督促其做好隔音并限定营业时间。"),
       measures="执法人员于夜间对该场所边界噪声进行了监测，结果超过《社会生活环境噪声排放标准》限值，"
                "已责令其加装隔音设施、晚上十一点后降低音量，并将开展夜间复查。",
       short="娱乐场所噪声扰民", subject="{ktv}", misroute="gongan"),
    _t("construction_noise", "施工噪声", "sthj", ("complaint",), "urban",
       "{project}工地夜间施工噪声扰民",
       ("{road}与{road2}交叉口的{project}工地连续多天夜间施工，晚上十一点以后还在打桩、浇筑混凝土。",
        "附近{community}的居民整夜无法休息。",
        "工地围挡上没有看到夜间施工许可的公示。",
        "施工车辆进出还把道路弄得满是泥浆。",
        "请求核实其是否办理了夜间施工许可，并依法处理。"),
       measures="经查该工地未办理夜间施工证明，已依法责令停止夜间作业并立案查处，"
                "要求施工单位在围挡显著位置公示作业时间和投诉电话。",
       short="工地夜间施工噪声", subject="{builder}", grid=True, misroute="zhujian"),
    _t("wage_site", "拖欠工资", "renshe", ("complaint", "help"), "any",
       "{builder}拖欠{n}名农民工工资",
       ("我们{n}名工人在{builder}承建的{project}项目干活，从{month}月开始工资一直没有结清，共拖欠约{wages}元。",
        "去找包工头{official}，他说开发商还没有拨款。",
        "大家都等着这笔钱给孩子交学费、给老人看病。",
        "我们手里有考勤表和包工头签字的欠条。",
        "请求劳动监察部门帮我们讨回工资。"),
       measures="劳动保障监察大队已约谈施工总承包单位和劳务分包负责人，督促其通过农民工工资专用账户支付拖欠工资{wages}元，"
                "并对总承包单位下达《劳动保障监察限期改正指令书》。",
       short="拖欠农民工工资", subject="{builder}", urgencies=("urgent", "normal"), misroute="zhujian"),
    _t("wage_shop", "拖欠工资", "renshe", ("complaint", "help"), "any",
       "{restaurant}拖欠员工工资后停业",
       ("我在{village}附近的{restaurant}做服务员，老板{official}拖欠我和另外{n}名员工{months}个月的工资。",
        "上周店里突然停业，老板的电话也打不通。",
        "我们有考勤记录和微信转账的工资记录。",
        "听说老板还欠着房东的房租。",
        "希望有关部门帮我们把工资要回来。"),
       measures="经查该店经营者确有拖欠工资行为，已通过{town}劳动保障所联系到经营者，督促其分期支付拖欠工资，"
                "并告知员工可同时申请劳动仲裁以保障权益。",
       short="拖欠员工工资", subject="{restaurant}经营者{official}", grades=("simple",)),
    _t("rooftop", "违章建筑", "chengguan", ("complaint", "accusation"), "urban",
       "{community}{building}栋顶楼违规加盖",
       ("{community}{building}栋顶楼住户正在楼顶加盖彩钢房，面积估计有{area}平方米。",
        "施工已经持续一个多星期，顶层住户的天花板开始渗水。",
        "向物业反映后，物业说管不了。",
        "楼顶是全体业主的公共部位，这样加盖还影响消防安全。",
        "请城管部门尽快制止并依法拆除。"),
       measures="城管执法人员现场核查，确认其为未取得建设工程规划许可的违法建设，已下达《责令限期拆除决定书》，"
                "当事人已在限期内自行拆除并恢复屋面防水。",
       short="顶楼违规加盖", subject="{community}{building}栋顶楼住户", co=("ziranziyuan",), grid=True),
    _t("farmland_house", "违章建筑", "ziranziyuan", ("accusation", "complaint"), "rural",
       "{village}村民占用耕地建房",
       ("{village}{group}组村民{official}在村东头的基本农田里打地基建房，占地约{area}平方米。",
        "村干部知道这件事，但一直没有制止。",
        "现在房子已经砌到一层，再不管就建成了。",
        "前几年村里也有人这样建，最后都不了了之。",
        "请求有关部门依法查处，保护耕地。"),
       measures="自然资源所执法人员现场核查，确认当事人未经批准占用耕地建房，已下达《责令停止违法行为通知书》并立案查处，"
                "责令其限期拆除、恢复耕地原状。",
       short="占用耕地建房", subject="{village}{group}组村民{official}", grid=True, misroute="chengguan"),
    _t("restaurant_fumes", "油烟", "sthj", ("complaint",), "urban",
       "{restaurant}油烟直排影响居民生活",
       ("{road}{community}一楼的{restaurant}没有安装油烟净化设施，油烟直接从后窗排出。",
        "楼上住户常年不敢开窗，晾晒的衣服都是油烟味。",
        "营业到晚上十二点以后，排风扇的噪声也很大。",
        "居民和店主沟通过几次，对方态度很差。",
        "希望有关部门责令其安装净化设施并规范排放。"),
       measures="执法人员现场检查确认该店未安装油烟净化设施，已责令其限期安装并将排烟口改至楼顶高空排放，"
                "逾期未改正将依法处罚。",
       short="餐饮油烟直排", subject="{restaurant}", grid=True, misroute="chengguan"),
    _t("bbq_night", "油烟", "sthj", ("complaint", "suggestion"), "urban",
       "{road}夜市露天烧烤烟雾呛人",
       ("每天傍晚开始，{road}人行道上就摆满了露天烧烤摊，烟雾很大。",
        "附近{community}低层住户家里全是烟味。",
        "烧烤摊收摊后的垃圾和油污也没人清理。",
        "建议把烧烤摊集中到有油烟净化条件的区域经营。"),
       measures="已联合属地街道开展夜间专项整治，取缔露天烧烤摊点{n}处，引导经营户进入配备油烟净化设施的集中经营区，"
                "并建立夜间常态巡查机制。",
       short="露天烧烤油烟污染", subject="{road}夜市烧烤摊", grid=True, misroute="chengguan"),
    _t("school_fees", "教育收费", "jiaoyu", ("complaint", "accusation"), "any",
       "{school}以资料费名义违规收费",
       ("{school}本学期开学时向每名学生收取{fee}元“资料费”和“班费”，没有开具任何票据。",
        "家长私下问老师，老师说是学校统一要求的。",
        "据了解，这些资料不少是从网上下载打印的。",
        "义务教育阶段这样收费是否合规？",
        "请求教育局核查，对违规收费予以清退。"),
       measures="经教育局专项核查，该校存在违规代收资料费的问题，已责令全额清退，共向{pupils}名学生退还费用，"
                "并对学校主要负责人进行诫勉谈话。",
       short="学校违规收费", subject="{school}", misroute="scjg"),
    _t("paid_tutoring", "教育收费", "jiaoyu", ("accusation",), "any",
       "{school}教师组织有偿补课",
       ("{school}初二年级{official}老师在校外租房组织本班学生有偿补课，每人每月收费{tuition}元。",
        "老师在课堂上暗示不去补课的学生会跟不上进度。",
        "很多家长不敢不去，怕孩子被区别对待。",
        "补课时间在周末和晚上，孩子负担很重。",
        "希望教育部门严肃查处。"),
       measures="经调查，该教师确有组织本班学生有偿补课的行为，教育局已责令其立即停止并退还补课费用，"
                "给予其警告处分，取消其本年度评优评先资格。",
       short="在职教师有偿补课", subject="{school}教师{official}"),
    _t("school_zone", "招生入学", "jiaoyu", ("enquiry", "complaint", "suggestion"), "urban",
       "{community}适龄儿童入学学区划分问题",
       ("{community}交付已经两年，但小区一直没有被划入附近{school}的学区。",
        "按照现在的划分，孩子要到四公里外的学校上学，接送非常不便。",
        "小区里今年有上百名适龄儿童。",
        "希望教育部门说明学区划分依据，并考虑调整。"),
       measures="教育局已向反映人说明今年学区划分依据，并将该小区纳入明年学区调整评估范围；"
                "今年入学确有困难的家庭可向{district}教育局申请统筹安排学位。",
       short="学区划分", subject="{district}教育局"),
    _t("school_wall", "校园安全", "jiaoyu", ("complaint", "help"), "any",
       "{school}围墙开裂存在倒塌隐患",
       ("{school}靠近{road}一侧的围墙出现多处裂缝，有一段已经明显向外倾斜。",
        "每天上学放学时很多学生和家长从墙边经过。",
        "最近雨水多，大家担心围墙突然倒塌伤人。",
        "向学校反映过，学校说在申请维修资金。",
        "请求尽快排除隐患。"),
       measures="教育局已组织专业人员现场评估，对倾斜墙段设置警戒线并临时封闭通行，安排专项资金于两周内拆除重建，"
                "施工期间安排专人值守。",
       short="校园围墙安全隐患", subject="{school}", urgencies=("urgent", "normal")),
    _t("medical_dispute", "医疗纠纷", "weijian", ("complaint", "appeal"), "any",
       "{hospital}术后并发症未履行告知义务",
       ("我母亲{date}在{hospital}做了{surgery}手术，术后出现感染，又住院治疗了{days}天。",
        "医院说这是正常的并发症，但术前谈话时根本没有告知这种风险。",
        "我们要求复印病历，医院一直拖着不给。",
        "前后多花了医疗费{amount}元。",
        "希望卫健部门调查处理。"),
       measures="卫健委已督促医院依法向患者家属提供全部病历复印件，并组织医疗纠纷人民调解委员会介入调解；"
                "同时告知家属可依法申请医疗损害鉴定。",
       short="医疗纠纷", subject="{hospital}", misroute="scjg"),
    _t("doctor_envelope", "医德医风", "weijian", ("accusation",), "any",
       "{hospital}医生收受患者红包",
       ("{hospital}骨科医生{official}在我父亲手术前暗示要“意思一下”，我们送了{gift}元红包。",
        "同病房好几个病人家属都说送过。",
        "不送的病人手术排期明显靠后。",
        "希望卫健部门严肃查处这种行为。"),
       measures="经卫健委调查核实，该医生存在收受患者红包的行为，已责令其退还全部款项，给予行政警告处分并暂停其处方权三个月，"
                "医院在全院开展医德医风专项整顿。",
       short="医生收受红包", subject="{hospital}医生{official}"),
    _t("kitchen_hygiene", "餐饮卫生", "scjg", ("complaint", "accusation"), "any",
       "{restaurant}后厨卫生脏乱",
       ("{date}在{road}的{restaurant}吃饭时，透过后厨门看到地面污水横流，生熟食品混放。",
        "厨师没有戴口罩和帽子，垃圾桶也没有盖。",
        "当晚同桌{n}人都出现了腹泻症状。",
        "该店门口也没有公示食品经营许可证。",
        "请市场监管部门检查处理。"),
       measures="市场监管所执法人员现场检查，发现该店存在生熟混放、未落实从业人员健康管理等问题，已责令立即整改并立案调查，"
                "对其食品安全管理人员进行约谈。",
       short="餐饮单位卫生问题", subject="{restaurant}", misroute="weijian"),
    _t("price_tag", "价格违法", "scjg", ("complaint",), "any",
       "{shop}标价与结算价格不符",
       ("{date}在{shop}购物，货架上标价{price}元的商品，结账时却按高出两元的价格收费。",
        "找收银员理论，对方说是标签没来得及换。",
        "我看了一下，有好几种商品都存在这种情况。",
        "超市客流量很大，很多老人不会核对小票。",
        "希望有关部门检查处理。"),
       measures="执法人员现场检查发现该超市{n}种商品存在标价与结算价不一致的问题，已责令立即整改，"
                "依据《明码标价和禁止价格欺诈规定》立案调查。",
       short="价格欺诈", subject="{shop}", grades=("simple",)),
    _t("expired_food", "假冒伪劣", "scjg", ("complaint", "accusation"), "rural",
       "{village}小卖部销售过期食品",
       ("{village}村口的小卖部货架上有不少过期的饼干和饮料，有的已经过期半年。",
        "来买东西的多是村里的老人和留守儿童，他们不会看保质期。",
        "店里还在卖没有标签的散装辣条。",
        "希望市场监管部门加强农村食品安全检查。"),
       measures="执法人员现场检查，下架过期食品{n}件和无标签散装食品若干，已责令经营者立即整改并立案调查，"
                "同时在{town}开展农村食品安全专项检查。",
       short="销售过期食品", subject="{village}村口小卖部", grid=True, grades=("simple",)),
    _t("gym_prepaid", "消费维权", "scjg", ("complaint", "help"), "urban",
       "{gym}突然停业预付卡无法退款",
       ("我在{gym}办理了{card_fee}元的年卡，刚用了两个月，健身房就突然贴出停业通知。",
        "和我情况一样的会员有一百多人。",
        "店长说公司在转让，让我们等通知，但一直没有下文。",
        "请求有关部门帮助会员追回预付款。"),
       measures="市场监管局已约谈该经营者法定代表人，督促其制定退费方案，目前已与{members}名会员达成退费或转卡协议；"
                "对拒不退费的，已引导会员依法提起诉讼。",
       short="预付卡退费", subject="{gym}", grades=("complex",)),
    _t("forced_shopping", "强制购物", "scjg", ("complaint",), "any",
       "{scenic}一日游导游强制购物",
       ("{date}参加了一个{scenic}的低价一日游，团费只有{tour_fee}元。",
        "导游把我们拉到玉器店，不买够一定金额就不让上车。",
        "同团一位老人被迫花了{amount}元买了一只手镯。",
        "导游态度恶劣，还说“不买东西就别出来玩”。",
        "希望有关部门查处这家旅行社。"),
       measures="市场监管局会同文旅部门调查核实，该旅行社存在以不合理低价组织旅游、诱导购物的行为，"
                "已责令其为游客办理退货，并依法对旅行社和涉事导游立案处罚。",
       short="旅游强制购物", subject="承办{scenic}一日游的旅行社"),
    _t("collective_funds", "三资管理", "jiwei", ("accusation",), "rural",
       "{village}征地补偿款去向不明",
       ("{village}去年征地补偿款共{amount_wan}万元，村委会至今没有公开账目。",
        "有村民反映，村党支部书记{official}把其中一部分借给亲戚做生意。",
        "村民多次要求查账，都被以各种理由推脱。",
        "今年村里修路又让每户集资，大家意见很大。",
        "请求纪委监委核查村集体资金的去向。"),
       measures="经{town}纪委会同农村经营管理站专项审计，发现该村存在未按规定公开征地补偿款收支、违规出借集体资金"
                "{small_wan}万元的问题，已责令限期收回资金并张榜公开，对村党支部书记{official}给予党内警告处分。",
       short="村集体资金管理", subject="{village}党支部书记{official}", grades=("complex", "major")),
    _t("fishpond_lease", "三资管理", "jiwei", ("accusation",), "rural",
       "{village}集体鱼塘低价发包给村干部亲属",
       ("{village}集体所有的{acres}亩鱼塘，去年没有经过村民代表大会，就以每年{lease}元的价格承包给了村主任{official}的小舅子。",
        "周边同样的鱼塘承包价至少是这个价格的三倍。",
        "合同一签就是十五年。",
        "村民认为这是在侵占集体利益，请求调查。"),
       measures="经调查，该鱼塘发包未履行民主决策程序，承包价格明显偏低，已责令村委会依法重新公开发包，"
                "对村委会主任{official}给予诫勉谈话，相关差价由承包方补缴至村集体账户。",
       short="集体资产低价发包", subject="{village}村委会主任{official}", grades=("complex",)),
    _t("dibao", "惠民资金", "jiwei", ("accusation",), "rural",
       "{village}低保评定优亲厚友",
       ("{village}今年新评的低保户中，有{n}户是村干部的亲属，其中一户家里有两套房和一辆小轿车。",
        "村里真正困难的几户孤寡老人反而没有评上。",
        "评定过程没有召开村民代表会议，也没有张榜公示。",
        "请求上级部门核查。"),
       measures="经{town}纪委会同民政办入户核查，反映的{n}户中有两户不符合低保条件，已取消其低保资格并追回违规领取的资金，"
                "对负责初审的村干部给予批评教育，责令重新组织民主评议和公示。",
       short="低保评定不公", subject="{village}村民委员会", grades=("complex",)),
    _t("village_election", "村级选举", "jiwei", ("accusation",), "rural",
       "{village}换届选举中有人送钱拉票",
       ("{village}村委会换届选举前，候选人{official}让人挨家挨户送烟送油，每户还塞了{cash}元红包。",
        "有村民收了钱，被要求投他的票。",
        "这种做法严重破坏了选举的公正。",
        "希望上级在选举前调查清楚。"),
       measures="经{town}纪委和组织办调查，候选人{official}存在通过他人向选民赠送财物拉票的行为，已依法取消其候选人资格，"
                "对参与拉票的{n}名人员进行批评教育，选举按程序重新组织。",
       short="选举拉票贿选", subject="{village}村委会主任候选人{official}", grades=("complex",),
       urgencies=("urgent", "normal")),
    _t("wedding_gifts", "收受礼金", "jiwei", ("accusation",), "any",
       "{town}干部借子女婚礼收受礼金",
       ("{town}{office}负责人{official}上个月为儿子在{hotel}大办婚宴，摆了{tables}桌。",
        "辖区不少企业老板和下属都去随了礼，少则一千，多则上万。",
        "婚宴当天酒店门口停了好几辆公车。",
        "这种借机敛财的行为影响很坏，请求纪委调查。"),
       measures="经调查核实，{official}违反规定大操大办儿子婚宴并收受管理服务对象礼金共计{amount}元，"
                "已给予其党内严重警告处分，违规收受的礼金予以收缴。",
       short="借婚宴收受礼金", subject="{town}{office}负责人{official}", grades=("complex", "major")),
    _t("public_banquet", "公款吃喝", "jiwei", ("accusation",), "any",
       "{town}干部工作日中午公款吃喝",
       ("{date}中午，看到{town}{office}几名干部在{hotel}包厢吃饭喝酒，门口停着公务用车。",
        "吃完饭后由{office}的工作人员去前台签单。",
        "下午上班时有人明显喝了酒。",
        "希望纪委查一查这顿饭是谁买的单。"),
       measures="经调查，该次用餐系以公务接待名义违规宴请，费用{amount}元已由参与人员个人承担退赔，"
                "对组织者{official}给予党内警告处分，对其他参与人员进行诫勉谈话。",
       short="违规公款吃喝", subject="{town}{office}", grades=("complex",)),
    _t("inaction", "不作为乱作为", "jiwei", ("complaint", "accusation"), "any",
       "{town}便民服务中心办事推诿",
       ("{date}到{town}便民服务中心办理{service}，窗口工作人员说材料不全，却又说不清还缺什么。",
        "前后跑了{n}趟，每次说法都不一样。",
        "有一次在工作时间窗口没有人，工作人员在后面玩手机。",
        "希望整治这种推诿扯皮的作风。"),
       measures="经核查，该中心窗口存在一次性告知不到位、工作纪律松散的问题，已对相关工作人员进行约谈并通报批评，"
                "中心已公示{service}办事指南，推行首问负责和限时办结制度。",
       short="窗口办事推诿", subject="{town}便民服务中心", grades=("simple", "complex")),
    _t("telecom_fraud", "电信诈骗", "gongan", ("help",), "any",
       "接到冒充购物平台客服电话被骗{amount}元",
       ("{date}下午接到一个自称“购物平台客服”的电话，说我买的商品有质量问题要给我理赔。",
        "对方让我下载了一个会议软件并开启屏幕共享，随后我的银行卡被转走{amount}元。",
        "当天已经到{town}派出所报了案。",
        "想了解案件的侦办进展，以及被骗的钱能不能追回。"),
       measures="公安局反诈中心已对涉案银行账户采取紧急止付措施，冻结涉案资金{small}元，案件已立案侦查；"
                "民警已上门回访并讲解防范电信网络诈骗知识。",
       short="电信网络诈骗", subject="不明身份人员", urgencies=("urgent", "critical")),
    _t("gambling", "治安隐患", "gongan", ("accusation",), "any",
       "{village}一处出租屋有人聚众赌博",
       ("{village}一处出租屋里，每天晚上都有十几个人聚在一起打牌赌博，进出的人很杂。",
        "据说每局输赢有几千元。",
        "半夜散场时摩托车来来往往，吵得周围住户睡不着。",
        "担心引发打架斗殴等治安问题，请公安机关查处。"),
       measures="公安机关经蹲守核查，于夜间对该出租屋开展突击检查，查获参赌人员{n}名，现场收缴赌资，"
                "已依法对相关人员给予行政处罚，并对房东进行了警示教育。",
       short="聚众赌博", subject="{village}出租屋经营者"),
    _t("muck_trucks", "交通违法", "gongan", ("complaint", "suggestion"), "any",
       "{road}渣土车超载超速抛洒",
       ("最近{road}上每天夜里都有大量渣土车通行，车速很快，很多没有盖篷布。",
        "路面上到处是洒落的泥土，白天车一过尘土飞扬。",
        "前几天还发生了一起渣土车和电动车的剐蹭事故。",
        "建议交警在夜间加强查处。"),
       measures="交警部门已在该路段设置夜间固定查缉点，一周内查处渣土车超载、未密闭运输等违法行为{n}起，"
                "并通报运输企业主管部门落实源头管理。",
       short="渣土车交通违法", subject="{road}夜间通行渣土车", grid=True, misroute="chengguan"),
    _t("parking_appeal", "交通违法", "gongan", ("appeal",), "urban",
       "对{road}违停处罚不服提出申诉",
       ("我于{date}在{road}停车，当时路边没有看到禁停标志，地面施划的是白色停车位线。",
        "几天后收到违停处罚通知，罚款{fine}元。",
        "后来去现场看，禁停标志被行道树的树枝挡住了。",
        "请求复核并撤销这次处罚。"),
       measures="交警部门复核现场后确认该路段禁停标志被绿化遮挡、地面标线不清，已撤销该起违停处罚记录，"
                "并修剪了遮挡标志的树枝、重新施划了标线。",
       short="违停处罚", subject="市公安局交警支队", grades=("simple",)),
    _t("property_fee", "物业管理", "zhujian", ("complaint",), "urban",
       "{community}物业擅自上调物业费",
       ("{community}物业公司从{month}月起把物业费从每平方米{old_fee}元涨到{new_fee}元，没有召开业主大会。",
        "物业服务质量反而在下降，楼道很久没人打扫，电梯经常坏。",
        "不交新标准的费用，物业就不给办门禁卡。",
        "请求主管部门核查其涨价是否合规。"),
       measures="住建局已约谈该物业公司，认定其未经业主大会决定擅自上调收费标准，责令恢复原收费标准、退还多收费用，"
                "并将其违规行为记入物业服务企业信用档案。",
       short="物业乱收费", subject="{community}物业服务公司", misroute="scjg"),
    _t("elevator", "物业管理", "zhujian", ("complaint", "help"), "urban",
       "{community}电梯频繁故障多次困人",
       ("{community}{building}栋的电梯一个月内已经坏了{n}次，上周还把一位老人困在里面四十多分钟。",
        "物业每次只是简单重启，没有彻底维修。",
        "楼里住了不少行动不便的老人。",
        "请求有关部门督促物业彻底检修或更换电梯。"),
       measures="住建局会同市场监管局特种设备安全监察人员现场检查，责令物业公司和维保单位对该电梯进行全面检修，"
                "更换老化的控制主板和曳引钢丝绳，检验合格后方恢复运行。",
       short="电梯安全", subject="{community}物业服务公司", co=("scjg",), urgencies=("urgent", "normal")),
    _t("gas_leak", "燃气供应", "zhujian", ("help", "complaint"), "urban",
       "{community}燃气管道锈蚀有泄漏气味",
       ("{community}{building}栋外墙上的燃气立管锈蚀严重，有几处已经起皮脱落。",
        "这几天单元门口一直能闻到明显的燃气味。",
        "居民打过燃气公司的电话，说会安排人来，但三天了还没人来。",
        "楼里住的多是老人，大家都很担心。"),
       measures="燃气公司抢修人员已到场检测，确认立管接口存在微量泄漏，已当场更换锈蚀管段并做气密性试验；"
                "住建局已督促燃气企业对该小区老旧立管开展全面排查更换。",
       short="燃气管道安全隐患", subject="示范市燃气有限公司", co=("yingji",), grid=True,
       urgencies=("critical", "urgent")),
    _t("lpg_station", "安全隐患", "yingji", ("accusation",), "rural",
       "{village}液化气充装点违规经营",
       ("{village}路边有一处没有挂牌的液化气充装点，直接用大罐往小钢瓶里倒气。",
        "院子里堆着几十个钢瓶，离旁边民房不到五米。",
        "钢瓶很多已经锈迹斑斑，也没见过检验标签。",
        "一旦出事后果不堪设想，请求尽快查处。"),
       measures="应急管理局会同住建、市场监管部门联合检查，确认该点为无证经营的非法充装点，已当场查封，"
                "收缴钢瓶{n}只，依法移送公安机关处理。",
       short="非法充装液化气", subject="{village}无证液化气充装点", co=("zhujian",), grid=True,
       urgencies=("urgent", "critical")),
    _t("tap_water", "自来水供应", "zhujian", ("complaint", "help"), "urban",
       "{community}自来水浑浊发黄",
       ("这半个月来，{community}的自来水一打开就是黄色的，要放好几分钟才变清。",
        "烧开后壶底有一层红褐色的沉淀。",
        "家里有小孩，现在只敢买桶装水做饭。",
        "希望供水部门检测水质并查明原因。"),
       measures="供水公司已对该小区二次供水设施进行检测和清洗消毒，查明原因为水箱内壁锈蚀，已更换不锈钢水箱，"
                "复检水质各项指标符合国家生活饮用水卫生标准。",
       short="自来水水质", subject="{community}二次供水设施管理单位", misroute="sthj"),
    _t("road_collapse", "市政道路", "chengguan", ("help", "complaint"), "any",
       "{road}路面塌陷存在安全隐患",
       ("{road}靠近{community}路口的路面出现一个直径约一米的塌陷坑。",
        "晚上光线不好，已经有骑电动车的人摔倒。",
        "坑的周边没有设置任何警示标志。",
        "请尽快设置围挡并修复。"),
       measures="市政养护人员接报后两小时内到场设置围挡和警示灯，经探查塌陷原因为地下排水管破损，"
                "已完成管道修复和路面回填，恢复正常通行。",
       short="路面塌陷", subject="{road}市政道路养护单位", co=("zhujian",), grid=True,
       urgencies=("urgent", "critical"), grades=("simple",)),
    _t("streetlights", "市政道路", "chengguan", ("suggestion", "help"), "any",
       "{road}路灯大面积不亮",
       ("{road}从{community}到{road2}路口这一段，二十多盏路灯已经不亮一个多月了。",
        "这段路晚上没有灯，行人和电动车都很危险。",
        "附近有学校，晚自习放学的学生要经过这里。",
        "建议尽快维修，并加强日常巡检。"),
       measures="城市照明管理所已完成该路段线路检修，更换损坏的灯具{n}盏和老化电缆，路灯已全部恢复照明，"
                "并将该路段纳入夜间巡检重点。",
       short="路灯不亮", subject="城市照明管理所", grid=True, grades=("simple",)),
    _t("street_vendors", "城管执法", "chengguan", ("complaint", "suggestion"), "urban",
       "{road}早市占道经营堵塞交通",
       ("每天早上六点到九点，{road}{community}门口的马路两边摆满了卖菜的摊位，把机动车道占了一半。",
        "上班高峰期车辆根本过不去，经常堵成一片。",
        "散市后烂菜叶和垃圾扔得满地都是。",
        "建议规划一个固定的便民市场，规范经营。"),
       measures="城管执法部门已会同街道在附近闲置地块设置临时便民疏导点，引导{n}户摊贩入点经营，"
                "对该路段早高峰实行定岗管控，占道经营现象已明显好转。",
       short="占道经营", subject="{road}早市摊贩", grid=True, misroute="gongan"),
    _t("dust", "扬尘", "sthj", ("complaint",), "any",
       "{factory}露天堆料扬尘污染",
       ("{village}旁边的{factory}厂区里砂石料露天堆放，没有任何覆盖。",
        "有风的时候周围都灰蒙蒙的，窗台上一天就落一层灰。",
        "运料车辆进出也不冲洗车轮。",
        "附近居民担心长期吸入粉尘影响健康。"),
       measures="生态环境执法人员现场检查，确认该企业物料堆场未落实覆盖和围挡措施，已责令其立即整改并立案处罚，"
                "企业已建设封闭料棚并安装车辆冲洗设施。",
       short="扬尘污染", subject="{factory}", grid=True, misroute="chengguan"),
    _t("wastewater", "工业废水", "sthj", ("accusation",), "rural",
       "{plant}夜间偷排废水",
       ("{village}附近的{plant}经常在夜里通过暗管往{river}里排放废水。",
        "排水口附近的河水发黑发臭，河边的鱼成片死亡。",
        "白天去看排水口就没有水，晚上十点以后才开始排。",
        "下游村民还在用河水浇地。",
        "请求环保部门夜间突击检查。"),
       measures="生态环境局执法人员夜间突击检查，在该企业厂区外发现私设暗管一处，采样监测化学需氧量超标{times}倍，"
                "已依法查封相关设施并立案处罚，涉嫌污染环境犯罪的线索已移送公安机关。",
       short="企业偷排废水", subject="{plant}", grid=True, grades=("complex", "major")),
    _t("odour", "工业废气", "sthj", ("complaint",), "any",
       "{plant}夜间排放刺鼻气体",
       ("最近一个月，每天晚上九点以后，{village}一带就能闻到刺鼻的化学气味。",
        "气味好像是从{plant}方向飘过来的。",
        "不少居民反映晚上咳嗽、喉咙痛。",
        "希望环保部门夜间去检测一下。"),
       measures="生态环境局开展夜间走航监测和企业废气采样，发现该企业废气处理设施未正常运行，已责令停产整改并立案处罚，"
                "整改后复测各项指标达标。",
       short="工业废气污染", subject="{plant}", grades=("complex",)),
    _t("sewage", "生活污水", "sthj", ("complaint", "help"), "urban",
       "{community}化粪池污水外溢",
       ("{community}{building}栋旁的化粪池堵塞，污水从井盖下漫出来，流了半条路。",
        "臭味非常大，一楼住户都不敢开窗。",
        "物业说化粪池清掏要业主分摊费用，迟迟不处理。",
        "请求相关部门尽快处理。"),
       measures="经协调，物业服务企业已组织吸污车完成化粪池清掏和管道疏通，对外溢区域进行了冲洗消毒，"
                "并建立每半年一次的定期清掏制度。",
       short="化粪池污水外溢", subject="{community}物业服务公司", grid=True, misroute="zhujian", grades=("simple",)),
    _t("house_quality", "房屋质量", "zhujian", ("complaint",), "urban",
       "{community}新交付房屋墙体开裂渗水",
       ("{community}二期去年底交付，入住不到一年，很多户的外墙和楼板出现裂缝。",
        "下雨的时候，我家卧室墙角一直渗水，墙皮大面积脱落。",
        "开发商{developer}的售后一直推脱，说是正常沉降。",
        "请求住建部门组织质量鉴定并督促开发商维修。"),
       measures="住建局已组织质量监督站现场查勘，认定外墙渗漏属于保修范围内的质量问题，已责令{developer}制定维修方案"
                "并在一个月内完成维修，同时对该项目开展质量回访检查。",
       short="房屋质量", subject="{developer}", grades=("complex",)),
    _t("resettlement", "拆迁安置", "zhujian", ("complaint", "appeal"), "rural",
       "{village}拆迁安置房迟迟未交付",
       ("{village}{households}户村民的房屋三年前被征收，当时承诺两年内交付安置房。",
        "现在期限已经过了一年多，安置小区还是一片空地。",
        "过渡费也从去年开始停发了。",
        "很多老人在外租房，生活很困难。",
        "请求政府给个明确的说法。"),
       measures="住建局会同{town}人民政府核实，安置房项目因规划调整延误，已督促恢复施工并明确明年六月底前交付，"
                "停发的过渡安置费已于本月全部补发到位。",
       short="拆迁安置", subject="{town}人民政府", co=("ziranziyuan",), grades=("complex", "major")),
    _t("pension_enquiry", "养老保险", "renshe", ("enquiry",), "any",
       "咨询灵活就业人员养老保险缴费问题",
       ("本人今年{age}岁，原来在企业上班，{month}月辞职后准备以灵活就业人员身份继续缴纳养老保险。",
        "想了解缴费基数可以怎么选、在哪里办理。",
        "另外中断缴费的几个月能不能补缴？",
        "希望工作人员给予解答。"),
       measures="人社局已安排社保经办人员电话联系咨询人，详细解答了灵活就业人员参保登记、缴费基数档次选择和补缴政策，"
                "并告知可通过“示范人社”小程序在线办理。",
       short="养老保险政策咨询", grades=("simple",)),
    _t("medical_insurance", "医疗保险", "renshe", ("complaint", "help"), "any",
       "异地就医备案后报销遇阻",
       ("我父亲长期在外地子女家居住，今年已经办理了异地就医备案。",
        "{month}月在当地住院，出院时却被告知不能直接结算。",
        "回来后到{town}医保窗口报销，又说材料不全，要求重新开证明。",
        "来回跑了{n}趟还没办好，请求协调解决。"),
       measures="经核查，系备案信息未及时同步至就医地结算系统所致，医保经办机构已为其办理手工报销，"
                "报销款{amount}元已打入参保人账户，并对窗口工作人员进行了业务培训。",
       short="异地就医报销", subject="{town}医保窗口", grades=("simple",), misroute="weijian"),
    _t("warehouse_fire", "安全隐患", "yingji", ("accusation", "complaint"), "any",
       "{company}仓库消防通道被堵",
       ("{village}{road}旁的{company}仓库里堆满了泡沫板和纸箱，消防通道被货物堵死。",
        "仓库楼上还住着十几名工人，存在“三合一”的情况。",
        "工人们在仓库里用电炉做饭，电线乱拉乱接。",
        "担心一旦起火后果严重，请求检查。"),
       measures="应急管理局会同消防救援机构联合检查，责令该企业立即清理消防通道、拆除违规住人隔间，并依法对其处以罚款；"
                "目前员工已搬离仓库，整改已复查通过。",
       short="消防安全隐患", subject="{company}", grid=True, urgencies=("urgent", "normal")),
    _t("injury_cover", "事故处理", "yingji", ("accusation",), "any",
       "{factory}工人受伤后企业隐瞒不报",
       ("{date}{factory}车间发生一起机械伤人事故，一名工人右手被压伤。",
        "企业没有上报，而是私下给了家属一点钱，要求不要声张。",
        "据工友说，车间的设备防护罩早就拆掉了。",
        "希望有关部门调查事故原因，督促企业整改。"),
       measures="应急管理局调查核实，该企业发生一般生产安全事故后未按规定报告，已依法对企业及主要负责人立案处罚，"
                "责令恢复设备安全防护装置，并督促企业为受伤工人申报工伤认定。",
       short="生产安全事故瞒报", subject="{factory}", grades=("complex", "major"), misroute="renshe"),
    _t("parking_plan", "规划方案", "ziranziyuan", ("suggestion",), "urban",
       "建议{community}周边规划建设公共停车场",
       ("{community}周边是老城区，车位严重不足，晚上车辆只能停在消防通道和人行道上。",
        "小区旁边有一块闲置多年的空地，长满了杂草。",
        "建议将这块地规划为公共停车场或立体停车库。",
        "这样既能缓解停车难，也能消除安全隐患。"),
       measures="自然资源和规划局已将该建议纳入片区控制性详细规划修编研究，初步考虑将该闲置地块用于建设公共停车设施，"
                "待规划批准后按程序实施。",
       short="停车场规划建议", grades=("complex",)),
    _t("internet_cafe", "文化市场", "jiaoyu", ("accusation", "complaint"), "any",
       "{road}网吧接纳未成年人上网",
       ("{road}的{netcafe}经常有穿校服的中学生进出，周末甚至通宵上网。",
        "网吧前台根本不查身份证，用别人的卡就能开机。",
        "好几个家长都在网吧里找到过自己的孩子。",
        "请文化市场管理部门查处。"),
       measures="文化市场综合执法人员突击检查，发现该网吧存在接纳未成年人、未核验身份证件的违法行为，"
                "已依法给予警告、罚款并责令停业整顿十五日。",
       short="网吧接纳未成年人", subject="{netcafe}", misroute="gongan"),
    _t("flying_wires", "小区管理", "zhujian", ("complaint", "suggestion"), "urban",
       "{community}电动车飞线充电存在火灾隐患",
       ("{community}很多住户从楼上窗户拉电线下来给电动车充电，楼道里也停满了电动车。",
        "晚上充电时插线板就放在地上，下雨天特别危险。",
        "小区里至今没有建设集中充电桩。",
        "建议督促物业建设充电设施并清理楼道。"),
       measures="住建局已督促物业服务企业在小区内建成集中充电车棚两处、充电端口{ports}个，"
                "并会同社区开展楼道清理和飞线充电专项整治。",
       short="电动车飞线充电", subject="{community}物业服务公司", co=("yingji",), grid=True),
    _t("labour_contract", "劳动合同", "renshe", ("complaint", "accusation"), "any",
       "{company}不签劳动合同不缴社保",
       ("我在{company}工作了{months}个月，公司一直不跟我们签劳动合同。",
        "入职时说试用期过后缴社保，到现在也没缴。",
        "车间里还有{n}名工友也是这种情况。",
        "请求劳动监察部门检查处理。"),
       measures="劳动保障监察大队已对该公司开展专项检查，责令其限期与相关职工补签书面劳动合同并依法补缴社会保险费，"
                "企业已按期整改到位。",
       short="未签劳动合同", subject="{company}", misroute="scjg"),
]

# Reports a dispatcher turns away, each with the reason and where the reporter should go instead.
REFUSALS: list[Template] = [
    _t("labour_dispute", "", "", ("complaint",), "any",
       "与{company}解除劳动关系后的经济补偿争议",
       ("我在{company}工作了{years}年，上个月公司以经营困难为由和我解除了劳动合同。",
        "公司只愿意支付一个月工资作为补偿，和法律规定相差很多。",
        "多次找人事部门协商都没有结果。",
        "希望有关部门帮我要回应得的经济补偿金。"),
       refusal=RefusalReason.LABOUR_DISPUTE,
       redirect="该事项属于劳动争议，请携带劳动合同、工资流水等材料向示范市劳动人事争议仲裁委员会申请仲裁"
                "（示范市人民路88号，工作日受理）。",
       refusal_reason_text="经审查，所反映事项属劳动争议，应依法通过劳动争议仲裁程序解决。"),
    _t("neighbour_leak", "", "", ("complaint", "help"), "urban",
       "楼上装修导致我家漏水协商不成",
       ("{community}{building}栋楼上住户装修时破坏了卫生间防水层，我家天花板一直漏水。",
        "找对方协商赔偿，对方不承认是他家造成的。",
        "物业也调解过一次，没有结果。",
        "想请政府部门出面处理。"),
       refusal=RefusalReason.CIVIL_DISPUTE,
       redirect="该事项属于邻里之间的民事纠纷，可向{village}人民调解委员会申请免费调解，调解不成的可依法向人民法院提起诉讼。",
       refusal_reason_text="经审查，所反映事项属于平等主体之间的民事纠纷。"),
    _t("newborn_insurance", "", "", ("enquiry",), "any",
       "咨询新生儿参加居民医保的办理流程",
       ("孩子{month}月刚出生，想给孩子办理城乡居民医疗保险。",
        "不清楚需要准备哪些材料、在哪里办理。",
        "出生后多久办好才能报销住院费用？"),
       refusal=RefusalReason.ENQUIRY,
       redirect="请拨打12393医保服务热线咨询，或携带出生医学证明和户口簿到示范市政务服务中心医保窗口办理，"
                "也可通过“示范医保”小程序在线办理。",
       refusal_reason_text="属于政策咨询，不属于举报投诉事项，已告知咨询渠道。"),
    _t("purchase_lawsuit", "", "", ("complaint",), "urban",
       "与{developer}的购房合同纠纷",
       ("我在{community}买的房子，合同约定去年六月交房，{developer}延期了十个月才交。",
        "开发商不愿意按合同支付违约金。",
        "我们已经向{district}人民法院起诉，法院还没有判决。",
        "希望政府部门督促开发商赔偿。"),
       refusal=RefusalReason.LITIGATION,
       redirect="该事项已进入诉讼程序，请依法通过诉讼途径解决，关注{district}人民法院的审理进展；如对判决不服，可依法上诉。",
       refusal_reason_text="所反映事项已由人民法院受理，依法不再作为举报投诉受理。"),
    _t("vague_leader", "", "", ("accusation",), "any",
       "反映某单位领导作风问题",
       ("某单位领导作风有问题，单位里大家都知道。",
        "希望上级好好查一查。"),
       refusal=RefusalReason.NO_SUBSTANCE,
       redirect="所反映内容缺少具体的被反映人、时间和事实，无法开展核查；如掌握具体线索，欢迎补充后重新反映。",
       refusal_reason_text="反映内容缺少可供核查的具体人员和事实。"),
    _t("online_shop", "", "", ("complaint",), "any",
       "外省网店销售假冒化妆品",
       ("{date}在某电商平台一家外省网店购买了一套化妆品，收到后发现是假货。",
        "店铺注册地在外省，客服已经不回复消息。",
        "花了{price_big}元，希望帮忙处理。"),
       refusal=RefusalReason.OUT_OF_REMIT,
       redirect="被投诉经营者不在本市管辖范围，请通过全国12315平台向经营者所在地市场监管部门投诉，或向电商平台申请售后维权。",
       refusal_reason_text="被投诉经营者注册地在外省，不属于本市管辖。"),
    _t("repeat_lights", "", "", ("complaint",), "any",
       "再次反映{road}路灯问题",
       ("{road}路灯的问题上个月已经反映过了，当时答复说已经修好。",
        "还是想再问一下以后能不能加强巡检。"),
       refusal=RefusalReason.REPEATED,
       redirect="该事项已于上月受理并办结答复，路灯已修复；如发现新的故障，可拨打12345热线或通过原渠道重新反映。",
       refusal_reason_text="同一事项已办结答复，反映人未提出新的事实和理由。"),
]

# Competent city department for a category's top-level name (mirrors CITY_DEPARTMENTS).
COMPETENT: dict[str, set[str]] = {}
for _code, _name, _tops in CITY_DEPARTMENTS:
    for _top in _tops:
        COMPETENT.setdefault(_top, set()).add(_code)

# Leaf category name → its (top, middle) names in CATEGORY_TREE.
LEAF_PARENTS: dict[str, tuple[str, str]] = {
    leaf["name"]: (top["name"], middle["name"])
    for top in CATEGORY_TREE for middle in top.get("children", []) for leaf in middle.get("children", [])
}

# --------------------------------------------------------------------------------------------
# Slot values
# --------------------------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔汤")
GIVEN_MALE = ["建国", "志强", "伟", "军", "勇", "海波", "国庆", "振华", "晓东", "文斌", "鹏", "俊杰", "明", "立新",
              "永刚", "德华", "建平", "浩然", "宇航", "家豪"]
GIVEN_FEMALE = ["秀英", "丽", "敏", "静", "桂兰", "玉梅", "晓燕", "婷婷", "丽娟", "红梅", "雪", "欣怡", "春花", "淑珍",
                "海燕", "佳琪", "梦洁", "慧敏", "凤英", "雅琴"]
COMPLEXES = ["锦绣花园", "阳光小区", "金桂苑", "翠湖湾", "幸福家园", "和平里小区", "御景华庭", "滨江名邸", "春晖苑",
             "东方明珠小区", "丽景新村", "康乐小区", "紫薇花园", "书香门第", "世纪城"]
ROADS = ["建设路", "人民路", "解放路", "文化路", "滨湖大道", "朝阳路", "中山路", "新华街", "胜利路", "光明路",
         "青年路", "学府路", "工业大道", "南湖路", "柳林大道"]
RIVERS = ["小清河", "柳林河", "桃源溪", "南湖支渠", "东沙河"]
FIRM_PREFIXES = ["恒达", "宏远", "鑫源", "瑞丰", "华信", "金泰", "永盛", "兴隆", "中恒", "博通", "天润", "众诚"]
RESTAURANTS = ["老王烧烤", "川香小厨", "湘味餐馆", "兰州牛肉拉面馆", "好再来饭店", "东北饺子馆", "鸿运火锅",
               "小城故事餐厅", "阿强砂锅粥", "聚福楼酒家"]
SHOPS = ["惠民超市", "佳乐购超市", "好邻居便利店", "万家福超市", "联华生活超市"]
KTVS = ["星光KTV", "麦乐迪量贩KTV", "夜色酒吧", "金嗓子歌厅"]
GYMS = ["力美健身", "动感时代健身会所", "型动健身工作室", "超越健身"]
NETCAFES = ["极速网咖", "星际网吧", "网鱼网咖", "绿洲网吧"]
SCENIC = ["示范山景区", "南湖湿地公园", "桃源古镇", "柳林温泉度假区"]
HOSPITALS = ["示范市第一人民医院", "示范市中医院", "示范市妇幼保健院", "{district}人民医院", "{town}卫生院"]
SURGERIES = ["胆囊切除", "阑尾切除", "膝关节置换", "甲状腺结节切除", "腰椎间盘"]
OFFICES = ["农业综合服务中心", "城建办", "财政所", "社会事务办", "综合执法队"]
SERVICES = ["营业执照变更", "农村宅基地审批", "新生儿户口登记", "残疾人两项补贴申请", "老年人优待证"]
HOTELS = ["大酒店", "宾馆", "国际酒店", "农家乐"]
CHANNEL_PREFIX = {"hotline": "来电人反映：", "visit": "来访人反映：", "letter": "来信反映：",
                  "grid_worker": "网格员巡查发现："}
DISTRICT_SHORT = {"990102": "dc", "990103": "xc", "990104": "nh"}


def _money(rng: random.Random, low: int, high: int, step: int = 100) -> int:
    return rng.randrange(low // step, high // step + 1) * step


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def make_slots(rng: random.Random, region: Region, reported_on: date) -> dict[str, Any]:
    """Every slot any template may use, for one report in `region` made on `reported_on`."""
    village = region if region.level == RegionLevel.VILLAGE else None
    town = region.parent if village else region
    district = town.parent if town is not None and town.parent_id else town
    village_name = village.name if village else town.name
    town_name, district_name = town.name, district.name
    roads = rng.sample(ROADS, 2)
    firm = rng.sample(FIRM_PREFIXES, 4)
    amount = _money(rng, 2000, 68000)
    occurred = reported_on - timedelta(days=rng.randint(1, 20))
    n = rng.randint(3, 12)
    school_base = village_name[:2] if village and village_name.endswith("社区") else town_name[:2]
    slots: dict[str, Any] = {
        "village": village_name, "town": town_name, "district": district_name,
        "community": rng.choice(COMPLEXES), "building": rng.randint(1, 28), "group": rng.randint(1, 9),
        "road": roads[0], "road2": roads[1], "river": rng.choice(RIVERS),
        "official": rng.choice(SURNAMES) + rng.choice(["某", "某某"]),
        "company": f"示范市{firm[0]}{rng.choice(['物流', '机械制造', '电子科技', '食品', '纺织', '包装材料'])}有限公司",
        "builder": f"示范市{firm[1]}建设工程有限公司",
        "factory": f"示范市{firm[2]}{rng.choice(['建材', '混凝土', '石材', '木业'])}有限公司",
        "plant": f"示范市{firm[3]}{rng.choice(['化工', '电镀', '印染', '塑料制品', '皮革'])}有限公司",
        "developer": f"示范市{firm[1]}置业有限公司",
        "restaurant": rng.choice(RESTAURANTS), "shop": rng.choice(SHOPS), "ktv": rng.choice(KTVS),
        "gym": rng.choice(GYMS), "netcafe": rng.choice(NETCAFES), "scenic": rng.choice(SCENIC),
        "hotel": town_name[:2] + rng.choice(HOTELS), "office": rng.choice(OFFICES), "service": rng.choice(SERVICES),
        "school": rng.choice([f"{school_base}小学", f"{school_base}中学", f"{town_name}中心小学",
                              f"{school_base}实验学校"]),
        "surgery": rng.choice(SURGERIES),
        "project": rng.choice([f"{rng.choice(COMPLEXES)}二期", f"{roads[0]}改造工程", f"{town_name}商业综合体"]),
        "n": n, "days": rng.randint(3, 9), "months": rng.randint(2, 7), "years": rng.randint(3, 15),
        "month": (reported_on.month - rng.randint(2, 5) - 1) % 12 + 1,
        "amount": amount, "small": amount * rng.randint(3, 8) // 10,
        "wages": n * _money(rng, 6000, 16000, 500),
        "amount_wan": rng.choice([86, 120, 156, 230, 310, 420]), "small_wan": rng.randint(5, 30),
        "fee": rng.choice([120, 150, 180, 260, 300, 380]), "tuition": rng.choice([600, 800, 1200, 1500]),
        "gift": rng.choice([2000, 3000, 5000]), "cash": rng.choice([200, 300, 500]),
        "card_fee": rng.choice([1680, 2280, 2880, 3600]), "tour_fee": rng.choice([29, 49, 99]),
        "lease": rng.choice([2000, 3000, 3500, 4000]), "acres": rng.choice([12, 18, 25, 40]),
        "area": rng.choice([30, 45, 60, 80, 120]), "tons": rng.randint(8, 40), "tables": rng.randint(30, 60),
        "price": rng.choice(["12.8", "9.9", "25.5", "36.0"]), "price_big": rng.choice([398, 599, 1280]),
        "fine": rng.choice([150, 200]), "old_fee": rng.choice(["1.2", "1.5"]), "new_fee": rng.choice(["1.8", "2.2"]),
        "ports": rng.choice([60, 80, 120]), "times": rng.randint(3, 12), "age": rng.randint(42, 58),
        "pupils": rng.randint(120, 900), "members": rng.randint(40, 130), "households": rng.randint(20, 90),
        "date": _md(occurred), "occurred_on": occurred,
    }
    slots["hospital"] = rng.choice(HOSPITALS).format(**slots)
    return slots


def fill(text: str, slots: dict[str, Any]) -> str:
    return text.format(**slots)


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE_PREFIXES = ["130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "157", "158", "159", "177", "180", "182", "185", "186", "187", "188", "189", "199"]
_PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def fake_id_number(rng: random.Random, region_code: str, born: date, male: bool) -> str:
    """A checksum-valid 18-digit number whose region prefix (99…) belongs to no real place."""
    serial = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{region_code[:6]}{born:%Y%m%d}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str
    address: str


def fake_person(rng: random.Random, region: Region) -> Person:
    male = rng.random() < 0.55
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    born = date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
    district_code = region.code[:6]
    phone = rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    return Person(name, fake_id_number(rng, district_code, born, male), phone, region.full_name())


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------

# How many cases end in each state, relative to one another (the active states get more).
STATE_WEIGHTS: dict[str, int] = {
    S.REGISTERED: 14, S.NEEDS_INFO: 7, S.ACCEPTED: 10, S.REFUSED: 8, S.MERGED: 7, S.DISPATCHED: 15,
    S.RETURNED: 6, S.IN_PROGRESS: 26, S.EXTENDED: 8, S.ESCALATED: 6, S.CONCLUDED: 10, S.ANSWERED: 9,
    S.RATED: 9, S.UNDER_REVIEW: 6, S.REOPENED: 5, S.CLOSED: 24, S.ARCHIVED: 10,
}
CHANNEL_WEIGHTS = {"web": 24, "hotline": 26, "mobile": 12, "letter": 9, "visit": 9, "grid_worker": 11, "mailbox": 9}
REAL_NAME_CHANCE = {"web": 0.18, "mobile": 0.18, "mailbox": 0.2, "hotline": 0.25, "letter": 0.4, "visit": 0.65,
                    "grid_worker": 0.0}
ONLINE = {"web", "mobile", "mailbox"}
# (share, fraction of the governing deadline already used when the case stops moving)
LIGHT_MIX = [(0.50, (0.05, 0.46)), (0.16, (0.53, 0.72)), (0.11, (0.77, 0.88)), (0.08, (0.91, 0.98)),
             (0.15, (1.05, 1.8))]
# Hours between the previous step and this one (log-uniform between the bounds).
GAPS: dict[str, tuple[float, float]] = {
    "request_info": (1, 20), "receive_info": (8, 70), "accept": (0.7, 22), "refuse": (2, 50), "merge": (1, 30),
    "dispatch": (0.5, 30), "return": (2, 28), "start": (0.5, 30), "extend": (48, 220), "escalate": (24, 160),
    "resume": (20, 100), "answer": (2, 72), "rate": (2, 80), "request_review": (2, 60), "close": (24, 160),
    "reopen": (48, 240), "archive": (48, 300), "reconsider": (24, 96),
}
CONCLUDE_GAPS = {"simple": (8, 80), "complex": (48, 380), "major": (120, 620)}
MAX_AGE = timedelta(days=44)
SWEEP_EVERY = timedelta(hours=6)

REASONS = {
    "request_info": ["请补充具体地址（门牌号）和问题发生的时间段，以便现场核查。",
                     "反映内容缺少涉及人员和具体事实，请补充相关线索或证明材料。",
                     "请提供现场照片、票据或聊天记录等证明材料。"],
    "receive_info": ["反映人已补充现场照片和具体地址。", "反映人已电话补充发生时间和涉及人员。"],
    "reconsider": ["经复核，所反映事项属于本机关受理范围，撤销原不予受理决定，重新进入受理程序。"],
    "escalate": ["涉及多个部门职责交叉，本部门无法单独协调解决，提请上级协调督办。",
                 "问题涉及历史遗留和资金保障，需提请上级研究解决。"],
    "escalate_supervisor": ["承办部门推进缓慢，群众多次来电催办，提级督办。"],
    "resume": ["已召开协调会明确牵头部门和配合部门职责，请承办部门继续办理并按期反馈。",
               "上级已明确处理意见，退回承办部门继续办理。"],
    "extend": ["需调取相关资料并委托第三方检测，无法在规定时限内办结，申请延期。",
               "涉及人员较多、需多方核实，经部门负责人批准延期办理。"],
    "request_review": ["反映人对处理结果不满意，认为问题没有实际解决，申请复查。"],
    "request_review_supervisor": ["督办回访抽查发现问题仍未解决，启动复查。"],
    "dissatisfied": ["问题仍未解决，整改只是应付检查。", "答复内容与实际情况不符。"],
    "reopen": ["反映人再次反映问题复发，经督办核实情况属实，重新启动办理。"],
    "wrong_refusal": ("该事项不属于本机关受理范围，请向有关主管部门反映。"),
}


@dataclass
class Plan:
    index: int
    target: str
    path: list[str]  # transition names, optionally "name:variant"
    template: Template = TEMPLATES[0]
    region: Region | None = None
    channel: str = "web"
    kind: str = "complaint"
    pack: str = ""
    grade: str = "simple"
    urgency: str = "normal"
    real_name: bool = False
    person: Person | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    times: list[datetime] = field(default_factory=list)  # registration, then one per path step
    actors: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # department a step concerns ("" if none)
    merge_into: Plan | None = None
    duplicate: bool = False
    wrong_refusal: bool = False
    pseudonym: str = ""
    number: str = ""
    supervisor: str = "supervisor"
    findings: list[str] = field(default_factory=list)
    conclusion: str = ""

    def step(self, k: int) -> str:
        return self.path[k - 1].split(":")[0]

    def variant(self, k: int) -> str:
        return self.path[k - 1].partition(":")[2]


def allocate_states(count: int) -> list[str]:
    """How many cases end in each state: coverage first (up to 4 each), the rest by weight."""
    states = list(STATE_WEIGHTS)
    if count < len(states):
        return states[:count]
    base = min(4, count // len(states))
    result = {s: base for s in states}
    remaining = count - base * len(states)
    total = sum(STATE_WEIGHTS.values())
    shares = {s: remaining * w / total for s, w in STATE_WEIGHTS.items()}
    for s in states:
        result[s] += int(shares[s])
    leftover = count - sum(result.values())
    for s in sorted(states, key=lambda s: shares[s] - int(shares[s]), reverse=True)[:leftover]:
        result[s] += 1
    return [s for s in states for _ in range(result[s])]


class DemoCaseBuilder:
    def __init__(self, org: DemoOrganisation, *, seed: int, now: datetime):
        self.org = org
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.now = now
        self.calendar = WorkingCalendar.load()
        self.packs = {p.code: p for p in PolicyPack.objects.all()}
        self.policies = list(DeadlinePolicy.objects.select_related("pack"))
        self.categories = self._resolve_categories()
        villages = [r for r in org.regions.values() if r.level == RegionLevel.VILLAGE]
        self.urban = [r for r in villages if r.name.endswith("社区")]
        self.rural = [r for r in villages if not r.name.endswith("社区")]
        self.townships = [r for r in org.regions.values() if r.level == RegionLevel.TOWNSHIP]
        self.people: list[tuple[Person, Region]] = []
        self._decks: dict[str, list[Template]] = {}
        self.plans: list[Plan] = []

    # --- lookups ------------------------------------------------------------------------------
    def _resolve_categories(self) -> dict[str, Category]:
        found: dict[str, Category] = {}
        rows = Category.objects.filter(depth=3, is_active=True).select_related("parent__parent")
        for category in rows:
            parents = LEAF_PARENTS.get(category.name)
            if parents and category.parent and category.parent.parent and (
                (category.parent.parent.name, category.parent.name) == parents
            ):
                found[category.name] = category
        missing = {t.leaf for t in TEMPLATES} - set(found)
        if missing:
            raise RuntimeError(f"demo categories missing: {sorted(missing)}; run build_demo_organisation first")
        return found

    def _draw(self, deck: str, templates: list[Template], accept: Any = None) -> Template:
        pile = self._decks.setdefault(deck, [])
        for _attempt in range(3 * len(templates)):
            if not pile:
                pile.extend(templates)
                self.rng.shuffle(pile)
            candidate = pile.pop()
            if accept is None or accept(candidate):
                return candidate
        return self.rng.choice(templates)

    def handler(self, dept: str, alt: bool = False) -> str:
        if dept == "chengguan":
            return "handler2" if alt else "handler"
        if dept == "zhujian":
            return "handler_zj"
        return f"handler_{dept}"

    def head(self, dept: str) -> str:
        return {"chengguan": "head", "zhujian": "head_zj"}.get(dept, f"head_{dept}")

    # --- paths --------------------------------------------------------------------------------
    def _prefix(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.10:
            return ["request_info", "receive_info", "accept", "dispatch"]
        if roll < 0.22:
            return ["accept", "dispatch", "return", "dispatch"]
        return ["accept", "dispatch"]

    def _handling(self, grade: str, *, may_extend: bool = True) -> list[str]:
        steps = ["start"]
        roll = self.rng.random()
        if may_extend and grade != "simple" and roll < 0.15:
            steps.append("extend")
        elif roll > 0.92:
            steps += ["escalate", "resume"]
        return steps

    def _answered(self, grade: str) -> list[str]:
        return [*self._prefix(), *self._handling(grade), "conclude", "answer"]

    def _closed(self, grade: str) -> list[str]:
        roll = self.rng.random()
        if roll < 0.55:
            return [*self._answered(grade), "rate", "close"]
        if roll < 0.75:
            return [*self._answered(grade), "close:auto"]
        if roll < 0.9:
            return [*self._answered(grade), "rate:dissatisfied", "request_review", "conclude", "answer", "rate",
                    "close"]
        return [*self._answered(grade), "rate:dissatisfied", "close:supervisor"]

    def path_for(self, state: str, grade: str, variant_no: int) -> list[str]:
        rng = self.rng
        pick = rng.random()
        if state == S.REGISTERED:
            if pick < 0.10:
                return ["request_info", "receive_info"]
            return ["refuse", "reconsider"] if pick < 0.17 else []
        if state == S.NEEDS_INFO:
            return ["request_info"]
        if state == S.ACCEPTED:
            return ["request_info", "receive_info", "accept"] if pick < 0.12 else ["accept"]
        if state == S.REFUSED:
            return ["request_info", "refuse"] if pick < 0.2 else ["refuse"]
        if state == S.MERGED:
            return ["accept", "merge"] if pick < 0.3 else ["merge"]
        if state == S.DISPATCHED:
            return self._prefix()
        if state == S.RETURNED:
            return ["accept", "dispatch", "return"]
        if state == S.IN_PROGRESS:
            if pick < 0.1:
                return [*self._answered(grade), "rate:dissatisfied", "close:supervisor", "reopen", "start"]
            if pick < 0.22:
                return [*self._prefix(), "start", "escalate", "resume"]
            return [*self._prefix(), "start"]
        if state == S.EXTENDED:
            return [*self._prefix(), "start", "extend"]
        if state == S.ESCALATED:
            return [*self._prefix(), "start", "extend", "escalate"] if pick < 0.25 else [
                *self._prefix(), "start", "escalate:supervisor" if pick > 0.7 else "escalate"]
        if state == S.CONCLUDED:
            return [*self._prefix(), *self._handling(grade), "conclude"]
        if state == S.ANSWERED:
            return self._answered(grade)
        if state == S.RATED:
            return [*self._answered(grade), "rate:dissatisfied" if pick < 0.15 else "rate"]
        if state == S.UNDER_REVIEW:
            if pick < 0.3:
                return [*self._answered(grade), "request_review:supervisor"]
            return [*self._answered(grade), "rate:dissatisfied", "request_review"]
        if state == S.REOPENED:
            return [*self._answered(grade), "rate", "close", "reopen"]
        if state == S.CLOSED:
            return self._closed(grade)
        if state == S.ARCHIVED:
            kind = ("closed", "refused", "merged")[variant_no] if variant_no < 3 else rng.choices(
                ("closed", "refused", "merged"), weights=(6, 3, 1))[0]
            if kind == "refused":
                return ["refuse", "archive"]
            if kind == "merged":
                return ["merge", "archive"]
            return [*self._closed(grade), "archive"]
        raise ValueError(state)

    # --- one plan -----------------------------------------------------------------------------
    def plan(self, index: int, state: str, variant_no: int) -> Plan:
        rng = self.rng
        grade_hint = rng.choice(["simple", "complex", "complex", "major"])
        path = self.path_for(state, grade_hint, variant_no)
        names = [p.split(":")[0] for p in path]
        plan = Plan(index=index, target=state, path=path)
        refused = "refuse" in names and "reconsider" not in names
        plan.duplicate = "merge" in names
        if refused:
            if "request_info" in names:
                plan.template = next(t for t in REFUSALS if t.refusal == RefusalReason.NO_SUBSTANCE)
            else:
                plan.template = self._draw("refusal", REFUSALS)
        else:
            # Accusations go nowhere near a grid worker; grid channel only for what is seen on patrol.
            plan.template = self._draw("normal", TEMPLATES)
        plan.wrong_refusal = "reconsider" in names
        tpl = plan.template
        plan.kind = rng.choice(tpl.kinds)
        plan.grade = rng.choice(tpl.grades)
        plan.urgency = rng.choice(tpl.urgencies)
        if grade_hint == "major" and "major" in tpl.grades:
            plan.grade = "major"
        plan.channel = self._channel(tpl, plan.kind)
        plan.region = self._region(tpl)
        plan.pack = self._pack(plan)
        plan.real_name = rng.random() < REAL_NAME_CHANCE[plan.channel]
        if plan.real_name:
            if self.people and rng.random() < 0.15:
                person, home = rng.choice(self.people)
            else:
                person, home = fake_person(rng, plan.region), plan.region
                self.people.append((person, home))
            plan.person = person
        else:
            plan.pseudonym = self._anonymous_name(plan)
        if "990102" in plan.region.path and rng.random() < 0.5:
            plan.supervisor = "supervisor_east"
        self._assign_departments(plan)
        self._assign_actors(plan)
        return plan

    def _anonymous_name(self, plan: Plan) -> str:
        if plan.channel == "grid_worker":  # grid workers report what they see on patrol, under their grid
            return f"网格员-{plan.region.name}第{self.rng.randint(1, 6)}网格"
        return "匿名举报人-" + "".join(self.rng.choice(_PSEUDONYM_ALPHABET) for _ in range(4))

    def _channel(self, tpl: Template, kind: str) -> str:
        channels = list(CHANNEL_WEIGHTS)
        weights = [CHANNEL_WEIGHTS[c] * (3 if c == "grid_worker" and tpl.grid else 1) for c in channels]
        for _attempt in range(10):
            channel = self.rng.choices(channels, weights=weights)[0]
            if channel == "grid_worker" and (not tpl.grid or kind in ("accusation", "enquiry", "appeal")):
                continue
            return channel
        return "web"

    def _region(self, tpl: Template) -> Region:
        pool = {"urban": self.urban, "rural": self.rural}.get(tpl.where, self.urban + self.rural)
        return self.rng.choice(pool)

    def _pack(self, plan: Plan) -> str:
        roll = self.rng.random()
        if plan.channel in ("letter", "visit") and roll < 0.7 and "xinfang-2022" in self.packs:
            return "xinfang-2022"
        if plan.template.dept == "jiwei" and plan.kind == "accusation" and roll < 0.4 and "jijian-2020" in self.packs:
            return "jijian-2020"
        return ""

    def _assign_departments(self, plan: Plan) -> None:
        tpl = plan.template
        depts: list[str] = []
        n = len(plan.path)
        last_dispatch = ""
        for k in range(1, n + 1):
            name = plan.step(k)
            dept = ""
            if name == "dispatch":
                nxt = plan.step(k + 1) if k < n else ""
                if nxt == "return":
                    dept = tpl.misroute or _fallback_misroute(tpl.dept)
                elif k == n and tpl.dept in ("chengguan", "zhujian") and self.rng.random() < 0.4:
                    dept = f"{DISTRICT_SHORT[plan.region.code[:6]]}-{tpl.dept}"
                else:
                    dept = tpl.dept
                last_dispatch = dept
            elif name in ("return", "start", "escalate", "extend", "conclude", "answer"):
                dept = last_dispatch
            depts.append(dept)
        plan.departments = depts

    def _assign_actors(self, plan: Plan) -> None:
        rng = self.rng
        online = plan.channel in ONLINE
        clerk = rng.choice(["clerk", "clerk2"])
        if plan.channel in ("hotline", "letter", "visit"):
            actors = [clerk]
        elif plan.channel == "grid_worker":
            actors = ["system:grid-platform"]
        else:
            actors = ["reporter"]
        for k in range(1, len(plan.path) + 1):
            name, variant, dept = plan.step(k), plan.variant(k), plan.departments[k - 1]
            if name in ("request_info", "accept", "refuse", "merge", "dispatch"):
                actor = "dispatcher"
            elif name == "receive_info":
                actor = "reporter" if online else clerk
            elif name in ("return", "extend"):
                actor = self.head(dept)
            elif name in ("start", "conclude"):
                actor = self.handler(dept, alt=rng.random() < 0.3)
            elif name == "answer":
                actor = self.handler(dept) if rng.random() < 0.7 else self.head(dept)
            elif name == "escalate":
                actor = plan.supervisor if variant == "supervisor" else self.head(dept)
            elif name in ("resume", "reopen"):
                actor = plan.supervisor if rng.random() < 0.75 else "leader"
            elif name == "reconsider":
                actor = plan.supervisor
            elif name == "rate":
                actor = "reporter" if online else clerk
            elif name == "request_review":
                actor = plan.supervisor if variant == "supervisor" else ("reporter" if online else clerk)
            elif name == "close":
                actor = {"auto": "system:auto-close", "supervisor": plan.supervisor}.get(variant, "dispatcher")
            elif name == "archive":
                actor = "admin" if rng.random() < 0.5 else "system:archiver"
            else:
                raise ValueError(name)
            actors.append(actor)
        plan.actors = actors

    # --- time ---------------------------------------------------------------------------------
    def _gap(self, plan: Plan, k: int) -> float:
        name = plan.step(k)
        if name == "conclude":
            low, high = CONCLUDE_GAPS.get(plan.grade, CONCLUDE_GAPS["complex"])
        elif name == "start" and plan.urgency == "critical":
            low, high = 0.2, 1.5
        elif name == "start" and plan.urgency == "urgent":
            low, high = 0.3, 14
        elif name == "close" and plan.variant(k) == "auto":
            low, high = 168, 180
        else:
            low, high = GAPS[name]
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))

    def _policy(self, plan: Plan, stage: str) -> DeadlinePolicy | None:
        """The policy row `deadlines.services.policy_for` would pick for this plan's case."""
        pack = self.packs.get(plan.pack) if plan.pack else next((p for p in self.packs.values() if p.is_default), None)
        if pack is None:
            return None
        best, best_key = None, None
        for policy in self.policies:
            if policy.pack_id != pack.pk or policy.stage != stage:
                continue
            if policy.kind_code not in ("", plan.kind) or policy.grade not in ("", plan.grade):
                continue
            if policy.urgency not in ("", plan.urgency) or (policy.real_name_only and not plan.real_name):
                continue
            key = (policy.specificity(), policy.effective_from)
            if best_key is None or key > best_key:
                best, best_key = policy, key
        return best

    def _open_clocks(self, plan: Plan) -> list[tuple[DeadlinePolicy, int, bool]]:
        """Deadlines still running after the last step: (policy, step that started it, extended)."""
        running: dict[str, tuple[int, bool]] = dict.fromkeys(REGISTRATION_EFFECTS.start, (0, False))
        for k in range(1, len(plan.path) + 1):
            effects = TRANSITIONS[plan.step(k)].effects
            for stage in (*effects.meet, *effects.cancel, *effects.pause):
                running.pop(stage, None)
            if effects.cancel_all:
                running.clear()
            for stage in (*effects.resume, *effects.start):
                running[stage] = (k, False)
            for stage in effects.extend:
                if stage in running:
                    running[stage] = (running[stage][0], True)
        clocks = []
        for stage, (start, extended) in running.items():
            policy = self._policy(plan, stage)
            if policy is not None:
                clocks.append((policy, start, extended and bool(policy.extension_length)))
        return clocks

    def _due(self, policy: DeadlinePolicy, started: datetime, extended: bool) -> datetime:
        due = self.calendar.add(started, policy.length, policy.unit).due_at
        if extended:
            due = self.calendar.add(due, policy.extension_length, policy.extension_unit or policy.unit).due_at
        return due

    def _predicted_light(self, plan: Plan, times: list[datetime]) -> int:
        """0 green … 3 red, 4 overdue: what the sweep will show for this plan's case at `now`."""
        yellow, orange, red = settings.JUBAO_LIGHT_THRESHOLDS
        worst = 0
        for policy, start, extended in self._open_clocks(plan):
            started = times[start]
            span = (self._due(policy, started, extended) - started).total_seconds()
            used = (self.now - started).total_seconds() / span if span > 0 else 2.0
            level = 4 if used >= 1 else 3 if used >= red else 2 if used >= orange else 1 if used >= yellow else 0
            worst = max(worst, level)
        return worst

    def _tail_hours(self, plan: Plan, gaps: list[float], fraction: float) -> float:
        clocks = [(_unit_hours(p.length, p.unit) + (_unit_hours(p.extension_length, p.extension_unit or p.unit)
                                                    if extended else 0), sum(gaps[start + 1:]))
                  for p, start, extended in self._open_clocks(plan)]
        if not clocks:
            age = self.rng.uniform(2 * 24, MAX_AGE.total_seconds() / 3600)
            return max(0.5, age - sum(gaps))
        return max(0.1, min(fraction * hours - elapsed for hours, elapsed in clocks))

    def _window(self, kind: str, day: date) -> tuple[time, time] | None:
        if kind == "office":
            return (time(8, 30), time(17, 40)) if self.calendar.is_working_day(day) else None
        if kind == "hotline":
            return time(7, 30), time(22, 0)
        if kind == "reporter":
            return time(6, 30), time(23, 45)
        if kind == "daytime":
            return time(8, 0), time(18, 30)
        return time(0, 0), time(23, 59, 59)

    def _snap(self, moment: datetime, kind: str, upper: datetime) -> datetime:
        """A moment near `moment` (and not after `upper`) when someone of this kind would act: the
        moment itself if it falls in their hours, else late in the previous or early in the next
        stretch of their hours."""
        local = timezone.localtime(moment)
        window = self._window(kind, local.date())
        if window is not None and window[0] <= local.time() <= window[1]:
            return local
        spread = 150 if self.rng.random() < 0.6 else 480
        offset = timedelta(minutes=self.rng.uniform(0, spread))
        back = forward = None
        day = local.date()
        for _days in range(15):
            window = self._window(kind, day)
            if window is not None and (day < local.date() or local.time() > window[1]):
                start, end = (datetime.combine(day, t, tzinfo=local.tzinfo) for t in window)
                back = max(start, end - offset)
                break
            day -= timedelta(days=1)
        day = local.date()
        for _days in range(15):
            window = self._window(kind, day)
            if window is not None and (day > local.date() or local.time() < window[0]):
                start, end = (datetime.combine(day, t, tzinfo=local.tzinfo) for t in window)
                forward = min(end, start + offset)
                break
            day += timedelta(days=1)
        if forward is not None and forward <= upper and (back is None or self.rng.random() < 0.5):
            return forward
        return back or local

    def _snap_kind(self, plan: Plan, k: int) -> str:
        actor = plan.actors[k]
        if actor.startswith("system:"):
            return "daytime" if actor == "system:grid-platform" else "any"
        if actor == "reporter":
            return "reporter"
        if k == 0 and plan.channel == "hotline":
            return "hotline"
        return "office"

    def _place(self, plan: Plan, gaps: list[float], tail: float, end: datetime, floor: datetime) -> list[datetime]:
        """Moments for registration and each step, working backwards from `end - tail`; [] if they
        cannot all fit after `floor` even with shortened gaps."""
        n = len(plan.path)
        for _attempt in range(8):
            last = end - timedelta(hours=tail)
            times = [self._snap(last, self._snap_kind(plan, n), end)]
            for k in range(n, 0, -1):
                moment = times[0] - timedelta(hours=gaps[k])
                snapped = self._snap(moment, self._snap_kind(plan, k - 1), times[0] - timedelta(minutes=5))
                times.insert(0, snapped if snapped >= floor or moment < floor else moment)
            if times[0] >= floor:
                return times
            gaps = [g * 0.75 for g in gaps]
            tail *= 0.75
        return []

    def schedule(self, plan: Plan, *, end: datetime | None = None, start_after: datetime | None = None) -> bool:
        """Give the plan its moments. Without `end`, the case stops moving at a moment chosen so that
        its deadline light at `now` follows LIGHT_MIX (predicted with the real calendar and policy
        rows, re-drawn until it matches). Returns False if the steps cannot fit."""
        n = len(plan.path)
        floor = start_after or (self.now - MAX_AGE)
        shares, ranges = zip(*LIGHT_MIX, strict=True)
        wanted = self.rng.choices(range(len(ranges)), weights=shares)[0]
        fallback: list[datetime] = []
        fallback_miss = 99
        stretch = 1.0  # how much longer or shorter the idle time should be than the first guess
        for _attempt in range(20):
            gaps = [0.0] + [self._gap(plan, k) for k in range(1, n + 1)]
            if end is not None:
                times = self._place(plan, gaps, 0.0, end, floor)
                if times:
                    plan.times = times
                    return True
                continue
            low, high = ranges[wanted]
            tail = self._tail_hours(plan, gaps, self.rng.uniform(low, high)) * stretch
            times = self._place(plan, gaps, tail, self.now - timedelta(minutes=3), floor)
            if not times:
                stretch *= 0.7
                continue
            if not self._open_clocks(plan):
                plan.times = times
                return True
            predicted = self._predicted_light(plan, times)
            if predicted == wanted:
                plan.times = times
                return True
            stretch *= 0.6 if predicted > wanted else 1.5
            # Some lights are out of reach (a 48-hour clock on a Monday morning cannot be orange when
            # nobody works at weekends): keep the nearest one seen.
            if abs(predicted - wanted) < fallback_miss:
                fallback, fallback_miss = times, abs(predicted - wanted)
        plan.times = fallback
        return bool(fallback)

    # --- building -----------------------------------------------------------------------------
    def build_plans(self, count: int) -> list[Plan]:
        states = allocate_states(count)
        self.rng.shuffle(states)
        archived_seen = 0
        plans: list[Plan] = []
        for index, state in enumerate(states):
            variant_no = 0
            if state == S.ARCHIVED:
                variant_no, archived_seen = archived_seen, archived_seen + 1
            plans.append(self.plan(index, state, variant_no))
        for plan in plans:
            if not plan.duplicate:
                self.schedule(plan)
        for plan in plans:
            if plan.duplicate:
                self._schedule_duplicate(plan, [p for p in plans if not p.duplicate])
        self.plans = [p for p in plans if p.times]
        return self.plans

    def _schedule_duplicate(self, plan: Plan, candidates: list[Plan]) -> None:
        """A second report of an open case, registered while that case was open and merged into it."""
        rng = self.rng
        pool = [c for c in candidates if c.times and not c.template.refusal]
        rng.shuffle(pool)
        merge_k = next(k for k in range(1, len(plan.path) + 1) if plan.step(k) == "merge")
        for target in pool:
            opened, closed = target.times[0], _exit_time(target, self.now)
            if closed - opened < timedelta(hours=30):
                continue
            merge_at = opened + (closed - opened) * rng.uniform(0.35, 0.95)
            self._adopt(plan, target)
            original_path, original_actors = plan.path, plan.actors
            plan.path, plan.actors = original_path[:merge_k], original_actors[: merge_k + 1]
            ok = self.schedule(plan, end=merge_at, start_after=opened + timedelta(minutes=30))
            plan.path, plan.actors = original_path, original_actors
            if not ok:
                continue
            for k in range(merge_k + 1, len(plan.path) + 1):  # archiving, after the merge
                previous = plan.times[-1]
                moment = min(previous + timedelta(hours=self._gap(plan, k)),
                             previous + (self.now - previous) * rng.uniform(0.3, 0.9))
                plan.times.append(moment)
            plan.merge_into = target
            return
        plan.times = []

    def _adopt(self, plan: Plan, target: Plan) -> None:
        """Make a duplicate report about the same matter as `target`, through another channel."""
        tpl = plan.template = target.template
        plan.region, plan.grade, plan.urgency = target.region, target.grade, target.urgency
        plan.kind = self.rng.choice(tpl.kinds)
        for _attempt in range(5):
            plan.channel = self._channel(tpl, plan.kind)
            if plan.channel != target.channel:
                break
        if plan.channel == "grid_worker":
            plan.real_name, plan.person = False, None
        if not plan.real_name:
            plan.pseudonym = self._anonymous_name(plan)
        plan.pack = self._pack(plan)
        self._assign_departments(plan)
        self._assign_actors(plan)

    # --- texts --------------------------------------------------------------------------------
    def make_texts(self, plan: Plan) -> tuple[str, str, dict[str, Any]]:
        rng = self.rng
        if plan.merge_into is not None:
            slots = plan.merge_into.slots
        else:
            slots = make_slots(rng, plan.region, timezone.localtime(plan.times[0]).date())
        plan.slots = slots
        tpl = plan.template
        body = list(tpl.body)
        middle = body[1:-1]
        keep = rng.randint(max(0, min(1, len(middle))), min(3, len(middle)))
        chosen = sorted(rng.sample(range(len(middle)), keep))
        sentences = [body[0], *(middle[i] for i in chosen), body[-1]] if len(body) > 1 else body
        text = "".join(fill(s, slots) for s in sentences)
        if plan.merge_into is not None and rng.random() < 0.5:
            text += "听说之前已经有人反映过，但问题到现在还没有解决。"
        text = CHANNEL_PREFIX.get(plan.channel, "") + text
        return fill(tpl.title, slots), text, slots


def _unit_hours(length: int, unit: str) -> float:
    if unit == Unit.HOURS:
        return float(length)
    if unit == Unit.CALENDAR_DAYS:
        return length * 24.0 + 12
    if unit == Unit.WORKING_DAYS:
        return length * 24 * 7 / 5 + 12
    return length * 30 * 24.0


def _fallback_misroute(dept: str) -> str:
    return {"jiwei": "scjg", "gongan": "chengguan", "scjg": "weijian", "weijian": "scjg", "renshe": "scjg",
            "jiaoyu": "scjg", "sthj": "chengguan", "zhujian": "chengguan", "chengguan": "zhujian",
            "ziranziyuan": "chengguan", "yingji": "zhujian"}[dept]


def _exit_time(plan: Plan, now: datetime) -> datetime:
    """When the case stopped accepting merges (left the open states), or now."""
    for k in range(1, len(plan.path) + 1):
        if TRANSITIONS[plan.step(k)].target not in MERGE_TARGET_STATES:
            return plan.times[k]
    return now - timedelta(minutes=5)


# --------------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------------


class _Runner:
    def __init__(self, builder: DemoCaseBuilder):
        self.b = builder
        self.org = builder.org
        self.rng = builder.rng

    def actor(self, plan: Plan, spec: str) -> Actor:
        if spec == "reporter":
            return Actor.reporter(plan.pseudonym)
        if spec.startswith("system:"):
            return Actor.system(spec.partition(":")[2])
        return self.org.actor(spec)

    def register(self, plan: Plan, at: datetime) -> None:
        title, body, slots = self.b.make_texts(plan)
        actor_spec = plan.actors[0]
        identity_id = None
        if plan.real_name and plan.person is not None:
            identity = identity_store(
                actor=self.actor(plan, actor_spec) if actor_spec != "reporter" else Actor.system("web-intake"),
                name=plan.person.name, id_number=plan.person.id_number, phone=plan.person.phone,
                address=plan.person.address,
            )
            identity_id, plan.pseudonym = identity.pk, identity.pseudonym
        tpl = plan.template
        region = plan.region
        assert region is not None
        address = f"{slots['district']}{slots['town']}{slots['village']}"
        if tpl.where == "urban" and "{community}" in "".join(tpl.body):
            address += f"{slots['community']}"
        elif tpl.where == "rural":
            address += f"{slots['group']}组"
        report = case_register(actor=self.actor(plan, actor_spec), now=at, report=ReportInput(
            channel=plan.channel, kind=plan.kind, title=title, body=body, region=region, address=address,
            occurred_on=slots["occurred_on"], occurred_text=self.rng.choice(["", "最近一段时间", slots["date"]]),
            reported_subject=fill(tpl.subject, slots)[:200], identity_id=identity_id,
            reporter_pseudonym=plan.pseudonym, policy_pack_code=plan.pack,
            contact_preference="phone" if plan.real_name else "",
            external_id=f"DEMO-{plan.channel}-{at:%y%m%d}-{plan.index:04d}"
            if plan.channel in ("hotline", "grid_worker") else "",
        ))
        plan.number = report.case.number

    def transition(self, plan: Plan, k: int, at: datetime) -> None:
        name, variant = plan.step(k), plan.variant(k)
        reason, data = self.params(plan, k, at, name, variant)
        case_transition(actor=self.actor(plan, plan.actors[k]), number=plan.number, transition=name,
                        reason=reason, data=data, now=at)

    def params(self, plan: Plan, k: int, at: datetime, name: str, variant: str) -> tuple[str, dict[str, Any]]:
        rng, tpl, slots = self.rng, plan.template, plan.slots
        dept = plan.departments[k - 1]
        generic = name in REASONS and name not in ("escalate", "request_review")
        reason = rng.choice(REASONS[name]) if generic else ""
        if name == "accept":
            category = self.b.categories[tpl.leaf]
            return reason, {"category": str(category.pk), "grade": plan.grade, "urgency": plan.urgency}
        if name == "refuse":
            if plan.wrong_refusal:
                return "经初步审查，认为不属于本机关受理范围。", {
                    "refusal_reason": RefusalReason.OUT_OF_REMIT, "redirect_notice": REASONS["wrong_refusal"]}
            return fill(tpl.refusal_reason_text, slots), {
                "refusal_reason": tpl.refusal, "redirect_notice": fill(tpl.redirect, slots)}
        if name == "merge":
            assert plan.merge_into is not None
            return f"与{plan.merge_into.number}反映的是同一事项，合并办理。", {"target": plan.merge_into.number}
        if name == "dispatch":
            co = [c for c in tpl.co if c != dept] if rng.random() < 0.6 and not dept.startswith(
                tuple(DISTRICT_SHORT.values())) else []
            note = "请按时限办理并及时反馈。" if rng.random() < 0.4 else ""
            return note, {"department": dept, "co_departments": co}
        if name == "return":
            correct = self.org.departments[tpl.dept].name
            return f"经研判，该事项主要涉及{correct}职责，不属于本部门职责范围，请重新分办。", {}
        if name == "escalate":
            key = "escalate_supervisor" if variant == "supervisor" else "escalate"
            return rng.choice(REASONS[key]), {}
        if name == "conclude":
            finding = self._finding(plan)
            plan.findings.append(finding)
            plan.conclusion = self._conclusion(plan, finding, self._checked_on(plan, k, at))
            return "", {"finding": finding, "conclusion_text": plan.conclusion}
        if name == "answer":
            return "", {"feedback_text": self._feedback(plan)}
        if name == "rate":
            if variant == "dissatisfied":
                return rng.choice(REASONS["dissatisfied"]), {"satisfaction": Satisfaction.DISSATISFIED}
            value = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASICALLY], weights=[65, 35])[0]
            return "", {"satisfaction": value}
        if name == "request_review":
            key = "request_review_supervisor" if variant == "supervisor" else "request_review"
            return rng.choice(REASONS[key]), {}
        if name == "close" and variant == "auto":
            return "答复后7日内反映人未评价，系统自动办结。", {}
        if name == "close" and variant == "supervisor":
            return "经督办复核，处理结果符合政策规定，反映人的其余诉求已作解释说明，予以办结。", {}
        if name == "archive":
            return "办结归档。", {}
        return reason, {}

    def _finding(self, plan: Plan) -> str:
        if plan.kind in ("enquiry", "suggestion"):
            return Finding.SUBSTANTIATED
        if plan.findings:  # a review tends to confirm at least part of what the reporter said
            return Finding.PARTLY
        return self.rng.choices(
            [Finding.SUBSTANTIATED, Finding.PARTLY, Finding.UNSUBSTANTIATED, Finding.UNVERIFIABLE],
            weights=[50, 25, 18, 7])[0]

    def _dept_name(self, plan: Plan) -> str:
        return self.org.departments[plan.template.dept].name

    def _checked_on(self, plan: Plan, k: int, at: datetime) -> date:
        """A day between the start of the current round of handling and the conclusion."""
        began = next(plan.times[j] for j in range(k - 1, -1, -1)
                     if j == 0 or plan.step(j) in ("start", "resume", "request_review"))
        first = timezone.localtime(began).date()
        day = timezone.localtime(at).date() - timedelta(days=self.rng.randint(0, 4))
        return max(first, day)

    def _conclusion(self, plan: Plan, finding: str, checked_on: date) -> str:
        tpl, slots, rng = plan.template, plan.slots, self.rng
        checked = _md(checked_on)
        measures = fill(tpl.measures, slots)
        short = tpl.short
        if plan.kind in ("enquiry", "suggestion"):
            return measures
        if finding == Finding.SUBSTANTIATED:
            return f"经{self._dept_name(plan)}工作人员于{checked}现场核查，反映的{short}问题属实。{measures}"
        if finding == Finding.PARTLY:
            return (f"经核查，反映的{short}问题部分属实。{measures}"
                    f"其余反映内容经走访{rng.randint(4, 12)}名群众、调阅相关资料，未能查实。")
        if finding == Finding.UNSUBSTANTIATED:
            return (f"{self._dept_name(plan)}于{checked}调阅相关资料并实地走访{rng.randint(5, 15)}名群众，"
                    f"未发现所反映的{short}问题。已向{slots['village']}做好解释说明，并要求加强日常巡查。")
        return (f"因反映内容缺少具体时间和当事人信息，且现场未发现相关痕迹，所反映的{short}问题无法查证。"
                f"已要求{slots['village']}加强日常巡查，发现问题及时上报。")

    def _feedback(self, plan: Plan) -> str:
        registered = _md(timezone.localtime(plan.times[0]).date())
        body = plan.conclusion
        closing = ("如对处理意见不服，可自收到本意见之日起30日内向上一级机关请求复查。" if plan.pack == "xinfang-2022"
                   else "如仍有问题，可通过原渠道或拨打12345热线继续反映。感谢您对我们工作的支持与监督！")
        department = self._dept_name(plan)
        return f"您好！您于{registered}反映的{plan.template.short}问题，已由{department}办理。{body}{closing}"


@transaction.atomic
def build_demo_cases(org: DemoOrganisation, *, count: int = 200, seed: int = 2026,
                     now: datetime | None = None) -> list[Case]:
    """Create `count` demo cases spread over every state, replayed in time order up to `now`."""
    now = now or timezone.now()
    builder = DemoCaseBuilder(org, seed=seed, now=now)
    plans = builder.build_plans(count)
    runner = _Runner(builder)
    events = sorted((moment, plan.index, k) for plan in plans for k, moment in enumerate(plan.times))
    by_index = {plan.index: plan for plan in plans}
    next_sweep = events[0][0] + SWEEP_EVERY if events else now
    for moment, index, k in events:
        while next_sweep <= moment:
            sweep_lights(now=next_sweep)
            next_sweep += SWEEP_EVERY
        plan = by_index[index]
        if k == 0:
            runner.register(plan, moment)
        else:
            runner.transition(plan, k, moment)
    while next_sweep <= now:
        sweep_lights(now=next_sweep)
        next_sweep += SWEEP_EVERY
    sweep_lights(now=now)
    numbers = [plan.number for plan in plans]
    return list(Case.objects.filter(number__in=numbers).order_by("created_at"))
