"""The fields a column can be mapped to, and the header synonyms that suggest a mapping."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str | Promise
    required: bool = False
    identity: bool = False  # goes to the vault, never into row errors, logs or exports
    synonyms: tuple[str, ...] = ()


TARGET_FIELDS: tuple[TargetField, ...] = (
    TargetField("external_id", _("external id"), required=True, synonyms=(
        "工单编号", "工单号", "编号", "留言编号", "受理编号", "单号", "诉求编号",
        "external id", "ticket id", "case id", "id", "reference", "ref", "number", "no")),
    TargetField("title", _("title"), synonyms=(
        "标题", "主题", "留言主题", "留言标题", "诉求标题", "title", "subject", "summary")),
    TargetField("body", _("what happened"), required=True, synonyms=(
        "内容", "详情", "留言详情", "留言内容", "诉求内容", "反映内容", "问题描述", "来电内容",
        "body", "content", "description", "details", "text", "message")),
    TargetField("kind", _("kind"), synonyms=("类型", "诉求类型", "kind", "type")),
    TargetField("category", _("category"), synonyms=(
        "问题分类", "分类", "业务分类", "诉求分类", "category", "classification")),
    TargetField("region", _("region"), synonyms=(
        "区域", "所属区域", "行政区划", "区划代码", "所属地区", "region", "area", "district", "division code")),
    TargetField("address", _("address"), synonyms=(
        "地址", "事发地址", "详细地址", "address", "location")),
    TargetField("occurred_on", _("when"), synonyms=(
        "发生时间", "发生日期", "事发时间", "事发日期", "occurred on", "incident date", "date of incident")),
    TargetField("reported_subject", _("who or which unit is reported"), synonyms=(
        "被反映对象", "被反映人", "被举报人", "被举报单位", "被投诉对象", "被投诉人",
        "reported subject", "respondent")),
    TargetField("received_at", _("received at"), synonyms=(
        "时间", "来电时间", "留言时间", "受理时间", "登记时间", "received at", "received", "created at", "time",
        "date")),
    TargetField("reporter_name", _("reporter's name"), identity=True, synonyms=(
        "姓名", "来电人", "来电人姓名", "留言人", "反映人", "举报人", "reporter name", "name", "caller")),
    TargetField("reporter_phone", _("reporter's phone"), identity=True, synonyms=(
        "电话", "联系电话", "来电号码", "手机号", "手机号码", "联系方式", "phone", "telephone", "mobile",
        "phone number", "telephone number", "mobile number", "contact number")),
    TargetField("reporter_id_number", _("reporter's ID number"), identity=True, synonyms=(
        "身份证号", "身份证号码", "身份证编号", "证件号码", "证件号", "id number", "id card", "id card number")),
)

FIELDS_BY_NAME = {field.name: field for field in TARGET_FIELDS}
REQUIRED_FIELDS = tuple(field.name for field in TARGET_FIELDS if field.required)
IDENTITY_FIELDS = frozenset(field.name for field in TARGET_FIELDS if field.identity)

_SEPARATORS = re.compile(r"[\s_\-/\\()（）:：.,，、*]+")


def _words(header: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", header).lower()
    return tuple(word for word in _SEPARATORS.split(text) if word)


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _score(header: str, synonym: str) -> int:
    """How well `synonym` describes `header`: 0 no match; exact beats a suffix beats a substring.

    Chinese compounds put the head noun last (来电人电话 is a phone number, 来电人姓名 a name),
    so a synonym found at the end of a header outranks one found anywhere else in it.
    """
    words, syn_words = _words(header), _words(synonym)
    if not words or not syn_words:
        return 0
    joined, syn_joined = "".join(words), "".join(syn_words)
    if words == syn_words or joined == syn_joined:
        return 3000
    if _is_cjk(syn_joined):
        if joined.endswith(syn_joined):
            return 2000 + len(syn_joined)
        if len(syn_joined) >= 2 and syn_joined in joined:
            return 1000 + len(syn_joined)
        return 0
    # Latin synonyms must match whole words ("paid" is not an "id").
    if words[-len(syn_words):] == syn_words:
        return 2000 + len(syn_joined)
    return 0


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """{target field: header} for the headers that plainly name a field; each header and field used once."""
    candidates = []
    for position, header in enumerate(headers):
        for order, field in enumerate(TARGET_FIELDS):
            best = max((_score(header, synonym) for synonym in field.synonyms), default=0)
            if best:
                candidates.append((-best, position, order, field.name, header))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _best, _position, _order, name, header in sorted(candidates):
        if name not in mapping and header not in used:
            mapping[name] = header
            used.add(header)
    return mapping
