"""The keyword rules a new deployment starts with, seeded when a rule target has no rows yet.

Administrators edit, deactivate or extend them in the admin; seeding never touches a target that already has
rules (so a deliberately emptied target stays as the administrator left it only if one inactive row remains).

Sources: the 检举控告 intake speech (“关键词+语义”双重拦截，把涉法涉诉、征地拆迁、劳资纠纷等依法分类导出; “十必研”:
“一把手”问题、集体“三资”问题、换届选举问题), 信访工作条例 第三十一条 (依法应当通过诉讼、仲裁、行政复议等法定途径解决的，
告知信访人向有关机关提出), 纪检监察机关处理检举控告工作规则, 市场监督管理投诉举报处理暂行办法 第十五条, and the
群众举报工作方案 (紧急程度 一般/紧急/特急; 影响范围 by 涉及人数、社会关注度、经济损失).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class DefaultRule:
    target: str
    value: str
    words: tuple[str, ...]
    weight: float = 1.0
    notice: str = ""
    policy_pack_code: str = ""


LITIGATION_NOTICE = (
    "您反映的事项已进入或已经过诉讼、仲裁、行政复议等法定程序，属于涉法涉诉事项，本平台依法不作为举报件受理。"
    "请依法向作出裁判的人民法院、仲裁机构或复议机关提出；对生效裁判不服的，可依法申请再审或向人民检察院申请监督。"
)
CIVIL_NOTICE = (
    "您反映的事项属于平等主体之间的民事纠纷，建议向所在村（社区）人民调解委员会申请调解，"
    "或依法向人民法院提起民事诉讼。"
)
LABOUR_NOTICE = (
    "您反映的事项属于劳动人事争议，请向用人单位所在地的劳动人事争议仲裁委员会申请仲裁（一般应在知道权利被侵害之日起"
    "一年内提出）；用人单位拖欠、克扣工资的，也可向当地人力资源和社会保障部门劳动保障监察机构投诉（电话12333）。"
)
ENQUIRY_NOTICE = (
    "您反映的属于政策咨询事项，请拨打12345政务服务便民热线，或登录政府门户网站、有关部门网站查询，"
    "本平台不作为举报件受理。"
)
SECRET_NOTICE = (
    "您反映的内容可能涉及国家秘密，请勿通过网络平台提交。请按照保密规定，当面向有关机关反映，"
    "或拨打国家安全机关举报受理电话12339。"
)
PRIVACY_NOTICE = (
    "您反映的内容涉及他人个人隐私，与公共利益或公职人员依法履职无关的个人隐私事项不予受理。"
    "如您的个人信息受到侵害，可向公安机关或网信部门举报。"
)
XINFANG_LITIGATION_NOTICE = (
    "根据《信访工作条例》第三十一条，对依法应当通过诉讼、仲裁、行政复议等法定途径解决的事项，"
    "请您依照有关法律、行政法规规定的程序向人民法院、仲裁机构或复议机关提出。"
)
JIJIAN_LITIGATION_NOTICE = (
    "根据《纪检监察机关处理检举控告工作规则》，已经或者依法应当通过诉讼、仲裁、行政复议等途径解决的事项，"
    "不属于纪检监察机关受理范围，请依法向人民法院、仲裁机构或复议机关提出。"
    "如反映公职人员在办理该事项中存在违纪违法问题，可另行检举。"
)
SAMR_LITIGATION_NOTICE = (
    "根据《市场监督管理投诉举报处理暂行办法》第十五条，人民法院、仲裁机构、市场监督管理部门或其他行政机关、"
    "消费者协会或依法成立的其他调解组织已经受理或处理过同一消费者权益争议的，不予受理投诉。"
    "如发现经营者违法线索，您仍可另行举报。"
)


SCOPE_RULES = (
    DefaultRule("scope", "litigation", (
        "已起诉", "已经起诉", "起诉至法院", "向法院起诉", "诉至法院", "法院已受理", "法院已经受理", "已立案审理",
        "法院判决", "判决书", "民事判决", "一审判决", "二审", "上诉+法院", "申请再审", "再审+法院", "裁定书",
        "民事调解书",
        "申请执行", "强制执行+法院", "执行庭", "正在诉讼", "诉讼中", "打官司", "仲裁裁决", "仲裁委+受理",
        "申请了仲裁", "已申请仲裁", "已经仲裁", "行政复议", "复议决定", "不服判决", "不服法院",
    ), 1.0, LITIGATION_NOTICE),
    DefaultRule("scope", "civil_dispute", (
        "邻里纠纷", "邻居纠纷", "借钱不还", "欠钱不还", "借款不还", "欠款不还", "民间借贷", "借条",
        "离婚纠纷", "离婚+分割", "婚姻纠纷", "遗产纠纷", "争遗产", "遗产+继承", "继承纠纷", "赡养纠纷", "抚养费",
        "家庭纠纷", "合同纠纷",
        "房东+押金", "租房+押金不退", "租赁纠纷", "买卖纠纷", "债务纠纷",
    ), 1.0, CIVIL_NOTICE),
    DefaultRule("scope", "labour_dispute", (
        "拖欠+工资", "欠薪", "克扣工资", "克扣+工资", "工资不发", "不发工资", "辞退+补偿", "无故辞退", "违法辞退",
        "解除劳动合同", "劳动合同纠纷", "劳动争议", "劳动仲裁", "经济补偿金", "未签劳动合同", "不签劳动合同",
        "不签订劳动合同", "加班费", "工伤赔偿", "遣散费",
    ), 1.0, LABOUR_NOTICE),
    DefaultRule("scope", "enquiry", (
        "咨询+政策", "政策咨询", "想咨询", "我想了解", "想问一下", "请问+政策", "请问+如何办理", "请问+怎么办理",
        "需要哪些材料", "需要什么材料", "办理流程", "是否符合+条件", "是否符合+政策", "能否享受", "可以享受吗",
    ), 0.8, ENQUIRY_NOTICE),
    DefaultRule("scope", "state_secret", (
        "国家秘密", "国家机密", "军事机密", "涉密文件", "机密文件", "绝密", "秘密级",
    ), 1.0, SECRET_NOTICE),
    DefaultRule("scope", "privacy", (
        "他人隐私", "个人隐私+曝光", "人肉搜索", "婚外情+!干部+!书记+!局长+!公职",
        "小三+!干部+!书记+!局长+!公职", "私生活",
    ), 1.0, PRIVACY_NOTICE),
    # Policy-pack wording of the same refusal: the pack's rule wins when a case runs under that pack.
    DefaultRule("scope", "litigation", ("已起诉", "法院判决", "判决书", "仲裁裁决", "行政复议", "不服判决"),
                1.0, XINFANG_LITIGATION_NOTICE, "xinfang-2022"),
    DefaultRule("scope", "litigation", ("已起诉", "法院判决", "判决书", "仲裁裁决", "行政复议", "不服判决"),
                1.0, JIJIAN_LITIGATION_NOTICE, "jijian-2020"),
    DefaultRule("scope", "litigation", ("已起诉", "法院已受理", "法院判决", "仲裁", "消协+调解", "消费者协会+调解"),
                1.0, SAMR_LITIGATION_NOTICE, "samr-2022"),
)

URGENCY_RULES = (
    # 特急: danger to life or health now.
    DefaultRule("urgency", "critical", (
        "着火+!着火车", "起火", "失火", "火灾+!火灾隐患", "大火", "煤气泄漏", "燃气泄漏", "天然气泄漏", "漏气+煤气",
        "坍塌+!隐患+!风险", "倒塌+!隐患+!风险", "塌方+!隐患+!风险", "垮塌+!隐患+!风险", "山体滑坡", "泥石流", "决堤",
        "溃坝", "溺水", "落水+!落水管", "人被困",
        "被困+!被困扰",
        "触电", "漏电+危险", "爆炸", "有人受伤", "受伤住院", "住院抢救", "送医抢救", "正在抢救", "抢救无效",
        "生命危险", "危及生命",
        "人命关天", "中毒", "昏迷", "跳楼", "轻生", "自杀", "有人死亡", "身亡", "重伤", "危房+随时",
    ), 1.0),
    # 紧急: time-critical, happening now or about to.
    DefaultRule("urgency", "urgent", (
        "今天下午", "今天上午", "今天晚上", "今晚", "今天中午", "明天就要", "明天就", "马上就要", "即将",
        "迫在眉睫", "十万火急", "刻不容缓", "紧急", "火速", "随时可能", "正在施工", "正在倾倒", "正在排放",
        "正在拆", "现在还在", "此刻", "坍塌+隐患", "倒塌+隐患", "随时+倒塌", "随时+坍塌",
    ), 1.0),
    DefaultRule("urgency", "urgent", ("马上", "正在", "立即"), 0.5),
)

IMPACT_RULES = (
    DefaultRule("impact", "very_large", ("全镇", "全乡", "上万人", "数万人", "几万人"), 1.0),
    DefaultRule("impact", "large", (
        "全县", "全市", "全村", "整个村", "全小区", "整个小区", "全体业主", "全体村民", "上百户", "几百户", "数百户",
    ), 1.0),
    DefaultRule("impact", "medium", (
        "群体", "全组", "整栋楼", "整个单元", "几十户", "数十户", "几十名", "数十名", "众多村民", "大量群众",
        "周边居民", "附近居民", "广大业主", "全校",
    ), 1.0),
)

SENSITIVE_RULES = (
    DefaultRule("sensitive", "mass_incident", ("群体性", "聚集", "堵路", "围堵", "集体上访", "静坐", "拉横幅"), 1.0),
    DefaultRule("sensitive", "petition", ("上访", "进京", "越级"), 1.0),
    DefaultRule("sensitive", "life", ("自杀", "轻生", "跳楼", "以死相逼", "喝农药"), 1.0),
    DefaultRule("sensitive", "media", ("媒体曝光", "网上曝光", "向媒体", "记者", "网上发酵", "热搜", "舆论"), 1.0),
    DefaultRule("sensitive", "public_health", ("疫情", "传染病", "食物中毒", "疫苗"), 1.0),
    DefaultRule("sensitive", "minors", ("未成年", "儿童+伤害", "学生+欺凌", "校园欺凌"), 1.0),
)

COLLECTIVE_REVIEW_RULES = (
    DefaultRule("collective_review", "top_leader", (
        "一把手", "主要负责人", "主要领导", "委书记", "党组书记", "党支部书记", "支部书记", "村支书", "村书记",
        "支书", "村主任", "村委会主任", "居委会主任", "社区主任", "管委会主任", "局长", "县长", "区长",
        "镇长", "乡长", "村长", "校长", "院长", "厂长", "董事长",
    ), 1.0),
    DefaultRule("collective_review", "collective_assets", (
        "集体三资", "农村三资", "三资管理", "集体资金", "集体资产", "集体资源", "村集体", "组集体", "集体土地",
        "集体经济", "集体收入",
        "集体山林", "土地流转款", "土地流转费", "征地补偿款", "征收补偿款", "征地款", "土地补偿款", "青苗补偿",
        "村级资金", "村财务", "村账", "村+财务公开", "村务公开",
    ), 1.0),
    DefaultRule("collective_review", "election", (
        "换届选举", "换届", "村委会选举", "村委选举", "居委会选举", "人大代表选举", "选举+村", "选举+社区", "贿选",
        "拉票", "买票", "拉选票", "贿赂选民", "选票",
        "候选人",
    ), 1.0),
)

DEFAULT_RULES: tuple[DefaultRule, ...] = (
    SCOPE_RULES + URGENCY_RULES + IMPACT_RULES + SENSITIVE_RULES + COLLECTIVE_REVIEW_RULES
)


def keyword_rules_ensure_defaults() -> int:
    """Seed the default rules of every target that has none yet; return how many rows were created.

    Pack-specific rules are created only when their policy pack exists.
    """
    from jubao.deadlines.models import PolicyPack

    from .models import KeywordRule

    existing_targets = set(KeywordRule.objects.values_list("target", flat=True).distinct())
    wanted = [rule for rule in DEFAULT_RULES if rule.target not in existing_targets]
    if not wanted:
        return 0
    packs = {pack.code: pack for pack in PolicyPack.objects.filter(
        code__in={rule.policy_pack_code for rule in wanted if rule.policy_pack_code})}
    now = timezone.now()
    rows = []
    for position, rule in enumerate(wanted):
        pack = packs.get(rule.policy_pack_code) if rule.policy_pack_code else None
        if rule.policy_pack_code and pack is None:
            continue
        rows.append(KeywordRule(target=rule.target, value=rule.value, words="\n".join(rule.words),
                                weight=rule.weight, notice=rule.notice, policy_pack=pack,
                                position=position * 10, updated_at=now))
    with transaction.atomic():
        KeywordRule.objects.bulk_create(rows)
    from .cues import invalidate_rules

    invalidate_rules()
    return len(rows)
