"""统一社会信用代码 (GB 32100-2015): 18 characters whose last one is a check character."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def problem(code: str) -> str | None:
    """None for a valid code, else which rule it breaks: 'length', 'characters' or 'check'."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    if any(ch not in CHARSET for ch in code):
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None
