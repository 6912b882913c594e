"""Demo report templates: one per kind of problem a reporter might bring.

Each `Template` has {slots} for places, firms, people, amounts and dates (see `slots.make_slots`),
the category and department that would handle it, and how a finished case reads. The reports
a dispatcher turns away live in `texts_refusals`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .organisation import CATEGORY_TREE, CITY_DEPARTMENTS


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

# Competent city department for a category's top-level name (mirrors CITY_DEPARTMENTS).
COMPETENT: dict[str, set[str]] = {}
for _code, _name, _tops in CITY_DEPARTMENTS:
    for _top in _tops:
        COMPETENT.setdefault(_top, set()).add(_code)


def _leaf_parents(tree: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    return {
        leaf["name"]: (top["name"], middle["name"])
        for top in tree for middle in top.get("children", []) for leaf in middle.get("children", [])
    }


# Leaf category name → its (top, middle) names in CATEGORY_TREE.
LEAF_PARENTS: dict[str, tuple[str, str]] = _leaf_parents(CATEGORY_TREE)
