"""Handler profiles for the demo organisation, so that handler suggestions have something to weigh."""

from __future__ import annotations

from jubao.demo.organisation import DemoOrganisation

from .models import HandlerProfile

DEMO_PROFILES = {
    "handler": ("张伟", "市政道路, 环境卫生, 小区管理"),
    "handler2": ("陈静", "城管执法, 噪声, 油烟"),
    "handler_zj": ("刘洋", "物业管理, 房屋质量, 违章建筑"),
}


def handling_demo_ensure(org: DemoOrganisation) -> int:
    created = 0
    for username, (name, tags) in DEMO_PROFILES.items():
        user = org.users.get(username)
        if user is None:
            continue
        _profile, was_created = HandlerProfile.objects.get_or_create(
            user=user, defaults={"person_name": name, "capability_tags": tags})
        created += was_created
    return created
