"""Titles (职称) and skill levels as schools write them, mapped to the levels Shuangshi counts.

Each series names its titles its own way — a 中专's 讲师 is a 高校's 讲师 is a 中小学's 一级教师:
all 中级. The mapping is a dated rule (`title_names`, `skill_level_names`), so a new series or a
renamed title is a rule version, not a release. A teacher keeps the title as written
(`Teacher.title_name`) and the level it maps to (`Teacher.title`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from core import rules

from .labels import SKILL_LEVEL
from .models import SkillLevel, Title

# 高校 · 中专 · 技工院校 (实习指导教师 and the teacher series) · 中小学 · the levels themselves.
TITLE_NAMES = {
    # 高校
    "助教": Title.JUNIOR, "讲师": Title.INTERMEDIATE, "副教授": Title.ASSOCIATE_SENIOR,
    "教授": Title.SENIOR,
    # 中专 (讲师 as in 高校)
    "助理讲师": Title.JUNIOR, "高级讲师": Title.ASSOCIATE_SENIOR, "正高级讲师": Title.SENIOR,
    # 技工院校
    "三级实习指导教师": Title.JUNIOR, "二级实习指导教师": Title.JUNIOR,
    "一级实习指导教师": Title.INTERMEDIATE, "高级实习指导教师": Title.ASSOCIATE_SENIOR,
    "正高级实习指导教师": Title.SENIOR,
    # 中小学
    "三级教师": Title.JUNIOR, "二级教师": Title.JUNIOR, "一级教师": Title.INTERMEDIATE,
    "高级教师": Title.ASSOCIATE_SENIOR, "正高级教师": Title.SENIOR,
    # the levels themselves
    "未评": Title.NONE, "无": Title.NONE, "初级": Title.JUNIOR, "中级": Title.INTERMEDIATE,
    "副高级": Title.ASSOCIATE_SENIOR, "副高": Title.ASSOCIATE_SENIOR, "正高级": Title.SENIOR,
    "正高": Title.SENIOR,
}  # fmt: skip

SKILL_LEVEL_NAMES = {
    "五级": SkillLevel.LEVEL5, "初级工": SkillLevel.LEVEL5,
    "四级": SkillLevel.LEVEL4, "中级工": SkillLevel.LEVEL4,
    "三级": SkillLevel.LEVEL3, "高级工": SkillLevel.LEVEL3,
    "二级": SkillLevel.LEVEL2, "技师": SkillLevel.LEVEL2,
    "一级": SkillLevel.LEVEL1, "高级技师": SkillLevel.LEVEL1,
}  # fmt: skip

LEVEL_NAMES = {
    Title.NONE: "未评", Title.JUNIOR: "初级", Title.INTERMEDIATE: "中级",
    Title.ASSOCIATE_SENIOR: "副高级", Title.SENIOR: "正高级",
}  # fmt: skip


def _describe(value: dict[str, str]) -> list[str]:
    by_level: dict[str, list[str]] = {}
    for name, code in value.items():
        level = LEVEL_NAMES[Title(code)] if code in Title._value2member_map_ else code
        by_level.setdefault(level, []).append(name)
    return [f"{level}：{'、'.join(names)}" for level, names in by_level.items()]


def define_rules() -> None:
    rules.define(
        "title_names",
        {k: v.value for k, v in TITLE_NAMES.items()},
        "json",
        _l("Titles as schools write them, and the level each counts as"),
        describe=_describe,
    )
    rules.define(
        "skill_level_names",
        {k: v.value for k, v in SKILL_LEVEL_NAMES.items()},
        "json",
        _l("Skill levels as certificates write them, and the level each is"),
        describe=lambda value: [
            f"{name} = {SKILL_LEVEL[SkillLevel(level)]}" for name, level in value.items()
        ],
    )


def title_names(on: date | None = None) -> dict[str, str]:
    return dict(rules.get_rule("title_names", on))


def title_level(written: str, on: date | None = None) -> Title | None:
    """The level of a title as written (讲师 → 中级); None when the table does not know it."""
    code = title_names(on).get(written.strip())
    return Title(code) if code in Title._value2member_map_ else None


def skill_level(written: str, on: date | None = None) -> SkillLevel | None:
    code = dict(rules.get_rule("skill_level_names", on)).get(written.strip())
    return SkillLevel(code) if code in SkillLevel._value2member_map_ else None


def shown_title(teacher: Any) -> str:
    """The title as the school wrote it, else the level's name."""
    return teacher.title_name or LEVEL_NAMES.get(teacher.title, "")
