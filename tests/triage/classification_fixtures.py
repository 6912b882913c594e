"""Small labelled Chinese reports for classifier tests, made from templates (no shared data needed)."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

PLACES = ["A市A3区", "B县城关镇", "C区望城街道", "A7县春华镇", "D区东风路", "E市高新区"]
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "环境保护": [
        ("{p}化工厂夜间偷排废水", "{p}的化工厂每天夜里往河里排放黑色废水，河水发臭，鱼都死了，请环保部门查处污染。"),
        ("{p}工地扬尘严重", "{p}工地没有洒水降尘，灰尘漫天，空气污染严重，附近居民不敢开窗。"),
        ("{p}烧烤店油烟扰民", "{p}楼下烧烤店油烟直排，没有安装油烟净化设备，废气熏得人头疼。"),
        ("{p}垃圾焚烧冒黑烟", "{p}有人露天焚烧垃圾，黑烟刺鼻，环境污染严重，请生态环境局处理。"),
    ],
    "劳动和社会保障": [
        ("{p}公司拖欠工资半年", "{p}一家公司拖欠我们二十多名工人工资半年，老板不接电话，请人社局帮忙讨薪。"),
        ("{p}单位不给缴纳社保", "我在{p}的单位工作三年，单位一直不给缴纳养老保险和医疗保险，社保断缴怎么办。"),
        ("{p}退休金迟迟未发", "{p}的退休职工养老金已经两个月没有发放，社会保障局说在核算，生活困难。"),
        ("{p}工伤认定拖延", "在{p}工地受伤，申请工伤认定一年多没有结果，劳动保障部门推诿。"),
    ],
    "教育文体": [
        ("{p}小学乱收补课费", "{p}小学老师组织学生有偿补课，每学期收费两千元，违反教育部门规定。"),
        ("{p}学校入学划片不公", "{p}的学校招生划片不合理，孩子上学要走五公里，请教育局重新划分学区。"),
        ("{p}幼儿园收费过高", "{p}幼儿园擅自提高保教费，家长负担重，请教育部门核查收费。"),
        ("{p}体育馆长期关闭", "{p}的体育馆和图书馆长期关闭，群众没有文体活动场所，希望尽快开放。"),
    ],
    "城乡建设": [
        ("{p}小区违章搭建", "{p}小区业主在楼顶违章搭建房屋，城管执法迟迟不来拆除，存在安全隐患。"),
        ("{p}道路破损多年未修", "{p}的市政道路坑洼不平，路灯也不亮，下雨天积水，请住建部门维修。"),
        ("{p}物业不作为", "{p}小区物业管理混乱，电梯经常坏，房屋漏水也不修，业主多次反映无果。"),
        ("{p}拆迁补偿不到位", "{p}房屋征收拆迁，补偿标准过低，安置房迟迟不交付，请城乡建设部门处理。"),
    ],
}
FILLERS = ["", "请尽快处理。", "希望领导重视。", "已经反映多次。", "谢谢！", "恳请有关部门调查。"]


def labelled_reports(per_template: int = 6, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, templates in TEMPLATES.items():
        for (title, body), place in itertools.product(templates, PLACES[:per_template]):
            rows.append({"title": title.format(p=place), "body": body.format(p=place) + rng.choice(FILLERS),
                         "label": label})
    rng.shuffle(rows)
    return rows


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path
