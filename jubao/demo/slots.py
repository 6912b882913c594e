"""Slot values for the demo templates: invented places, firms, names, amounts and dates."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from jubao.organisation.models import Region, RegionLevel

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
    if town is None:
        raise ValueError(f"village {region.code} has no township")
    district = town.parent if town.parent_id else town
    if district is None:
        raise ValueError(f"township {town.code} has no district")
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
