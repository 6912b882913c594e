"""Who is acting: a staff user, the reporter (through a receipt or verified phone), or the system."""

from __future__ import annotations

from dataclasses import dataclass

from jubao.audit.models import ActorKind

from .models import User

REPORTER_ROLE = "reporter"
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    kind: str
    user: User | None = None
    label: str = ""

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(ActorKind.STAFF, user, user.username)

    @classmethod
    def reporter(cls, pseudonym: str) -> Actor:
        return cls(ActorKind.REPORTER, None, pseudonym)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, None, label)

    @property
    def role(self) -> str:
        if self.kind == ActorKind.STAFF and self.user is not None:
            return "admin" if self.user.is_superuser else self.user.role
        return REPORTER_ROLE if self.kind == ActorKind.REPORTER else SYSTEM_ROLE

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def department_id(self) -> int | None:
        return self.user.department_id if self.user is not None else None
