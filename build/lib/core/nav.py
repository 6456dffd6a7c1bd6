"""The navigation: each package registers the pages it offers and who may see them, so a role
is shown only what it can do, and the home page shows it as next steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Role, User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    roles: tuple[Role, ...]
    description: Any = ""
    order: int = 100
    kwargs: dict[str, Any] = field(default_factory=dict)


ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in ITEMS):
        ITEMS.append(item)
        ITEMS.sort(key=lambda i: i.order)


def items_for(user: User) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in ITEMS if user.role in item.roles]


PROGRESS_ENDPOINT = "dashboard.index"  # where the plan's figures are, if that package runs


def progress_url(user: User) -> str | None:
    """The page of the plan's figures for `user`'s own scope, when they have one: a domain's
    index page links there instead of counting its own progress line."""
    from flask import url_for

    for item in items_for(user):
        if item.endpoint == PROGRESS_ENDPOINT:
            return url_for(item.endpoint, **item.kwargs)
    return None


# Panels on the home page: each package may show a user what needs doing next.
HomePanel = Any  # Callable[[User], tuple[str, dict] | None]
HOME_PANELS: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in HOME_PANELS:
        HOME_PANELS.append(panel)


def home_panels(user: User) -> list[tuple[str, dict[str, Any]]]:
    return [p for p in (panel(user) for panel in HOME_PANELS) if p is not None]


# The to-do inbox at the top of the home page: each package says what waits for a user.
@dataclass(frozen=True)
class InboxItem:
    label: Any  # e.g. "Placements to review"
    count: int
    link: str
    oldest: Any = None  # a date or datetime: the oldest waiting, shown so nothing is forgotten


InboxSource = Any  # Callable[[User], list[InboxItem]]
INBOX_SOURCES: list[InboxSource] = []


def register_inbox(source: InboxSource) -> None:
    if source not in INBOX_SOURCES:
        INBOX_SOURCES.append(source)


def inbox(user: User) -> list[InboxItem]:
    """What waits for `user`, oldest first; each source answers in one or two queries."""
    items = [item for source in INBOX_SOURCES for item in source(user) if item.count]
    return sorted(items, key=lambda i: str(i.oldest or "9999"))
