"""The counties' manual figures in one workbook, their evidence in one .zip (issue: the clerk's
week): what took 36 forms, each with its file. The same checks and audit as the form."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Upload
from dashboard.assessment.models import ManualFigure
from tests.dashboard.test_county_assessment import PDF, YEAR, city  # noqa: F401 (the fixture)
from tests.sheets import confirm, errors_of, preview, sheet

HEADERS = ["年度", "区县", "指标", "数值", "证明材料", "备注"]
FUNDING, SHARE = "生均经费达标情况", "职普比（中职招生占高中阶段比例）"


class _WindowsName(zipfile.ZipInfo):
    """A member named as Windows' "send to compressed folder" names it: GBK, no UTF-8 flag."""

    def _encodeFilenameFlags(self):  # type: ignore[no-untyped-def]  # noqa: N802
        return self.filename.encode("gbk"), self.flag_bits


def evidence_zip(*names: str, windows: str = "") -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(f"证明材料/{name}", PDF)
        if windows:
            archive.writestr(_WindowsName(windows), PDF)
    out.seek(0)
    return out


def upload(client, rows, files=None):  # type: ignore[no-untyped-def]
    extra = {"attachments": (files, "证明材料.zip")} if files is not None else {}
    return preview(client, "assessment_figures", sheet(rows, HEADERS), "考核指标.xlsx", **extra)


def text(page) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))


def test_a_year_s_figures_come_in_one_workbook_with_their_evidence(city, login_as):  # type: ignore[no-untyped-def]  # noqa: F811
    client = login_as(city["bureau"])
    listed = client.get("/imports").get_data(as_text=True)
    assert "/imports/assessment_figures/template.xlsx" in listed
    form = client.get("/imports/assessment_figures").get_data(as_text=True)
    assert 'name="attachments"' in form and "证明材料（.zip）" in form

    # Every mistake of the file at once, by row and column; nothing saved.
    rows = [
        [YEAR, "鹿城区", FUNDING, "98%", "鹿城区经费.pdf", "2025 年决算"],
        [YEAR, "鹿城区", SHARE, "0.5", "鹿城区职普比.pdf", ""],
        [YEAR, "龙湾区", FUNDING, "96", "龙湾区经费.pdf", ""],
        [YEAR, "龙湾区", SHARE, "52%", "", ""],
    ]
    page = upload(client, rows, evidence_zip("鹿城区经费.pdf"))
    problems = errors_of(page)
    assert page.status_code == 400
    assert "<td>3</td><td>数值</td><td>请带百分号填写（0.5% 或 50%）" in problems, problems
    assert "<td>3</td><td>证明材料</td><td>.zip 中没有名为“鹿城区职普比.pdf”的文件。" in problems
    assert "<td>4</td><td>证明材料</td><td>.zip 中没有名为“龙湾区经费.pdf”的文件。" in problems
    assert "<td>5</td><td>证明材料</td><td>请填写该数值所依据的证明材料" in problems
    assert db.session.scalar(select(ManualFigure.id)) is None

    # Corrected: the preview lists each figure; confirmed, each is on record with its file.
    rows[1][3], rows[1][4], rows[3][4] = "50%", "鹿城区经费.pdf", "龙湾区经费.pdf"
    files = evidence_zip("鹿城区经费.pdf", windows="龙湾区经费.pdf")  # a GBK-named member
    page = upload(client, rows, files)
    assert page.status_code == 200, errors_of(page)
    shown = text(page)
    assert f"新增 年度 {YEAR} · 区县 鹿城区 · 指标 {FUNDING}" in shown
    assert confirm(client, "assessment_figures", page).status_code == 302
    stored = {(f.county.name, f.item): f for f in db.session.scalars(select(ManualFigure))}
    assert {k: str(f.value) for k, f in stored.items()} == {
        ("鹿城区", "funding"): "0.9800", ("鹿城区", "vocational_share"): "0.5000",
        ("龙湾区", "funding"): "0.9600", ("龙湾区", "vocational_share"): "0.5200",
    }  # fmt: skip
    kept = db.session.get(Upload, stored[("龙湾区", "funding")].evidence_id)
    assert kept is not None and kept.original_name == "龙湾区经费.pdf"
    assert stored[("鹿城区", "funding")].note == "2025 年决算"
    entered = db.session.scalars(
        select(AuditEntry.object_label).where(AuditEntry.action == "assessment_figure_entered")
    ).all()
    assert len(entered) == 4 and f"{YEAR} 龙湾区 {SHARE}" in entered
    county = client.get(f"/assessment/{YEAR}/counties/330303").get_data(as_text=True)
    assert "96.0%" in county and "52.0%" in county

    # Corrected by the next file: the preview says what changes; the evidence stays.
    rows = [[YEAR, "鹿城区", FUNDING, "100%", "", "2025 年决算"]]
    page = upload(client, rows)
    assert "数值：98% → 100%" in text(page)
    confirm(client, "assessment_figures", page)
    db.session.expire_all()
    figure = db.session.get(ManualFigure, stored[("鹿城区", "funding")].id)
    assert str(figure.value) == "1.0000" and figure.evidence_id is not None


def test_only_the_city_bureau_imports_the_figures(city, login_as, api_client):  # type: ignore[no-untyped-def]  # noqa: F811
    county = login_as(city["lucheng"])
    assert county.get("/imports/assessment_figures").status_code in (403, 404)
    call = api_client(city["bureau"])
    rows = [[YEAR, "鹿城区", FUNDING, "98%", "鹿城区经费.pdf", ""]]
    answer = call("POST", "/api/v1/imports/assessment_figures", content_type="multipart/form-data",
                  data={"file": (sheet(rows, HEADERS), "考核指标.xlsx"),
                        "attachments": (io.BytesIO(b"not a zip"), "材料.zip")})  # fmt: skip
    assert answer.status_code == 400
    assert answer.json["errors"][0]["message"].startswith("证明材料不是 .zip 压缩包")
    answer = call("POST", "/api/v1/imports/assessment_figures", content_type="multipart/form-data",
                  data={"file": (sheet(rows, HEADERS), "考核指标.xlsx"), "dry_run": "false",
                        "attachments": (evidence_zip("鹿城区经费.pdf"), "材料.zip")})  # fmt: skip
    assert answer.status_code == 200 and answer.json["created"] == 1, answer.json
    assert db.session.scalar(select(ManualFigure.value)) is not None
