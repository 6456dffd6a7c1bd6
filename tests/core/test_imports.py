"""Imports, one mechanism: every kind's template, the preview that writes nothing, the
confirmation that writes all or none, the second import that changes nothing, files as clerks
make them, the API's contract, and who may import what."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core import imports
from core.extensions import db
from core.models import AuditEntry, ImportBatch, Role
from core.timeutil import today
from placements.models import Placement, PlacementStatus
from teachers.models import Teacher, Title
from tests.placements.conftest import valid_code
from tests.sheets import confirm, errors_of, import_file, preview, sheet

CODE = valid_code(7)


def placement_rows(staff_no: str, name: str) -> list[list]:
    return [
        [staff_no, name, "瑞明工业", CODE, "数控加工", "在生产和管理岗位兼职或任职",
         "2023-07-03", "2023-08-11", 30, None, "陈工", "", ""],
        [staff_no, name, "瑞明工业", CODE, "装配", "接受企业组织的技能培训",
         "２０２４年7月1日", "2024/7/20", "20", None, "", "", ""],
    ]  # fmt: skip


def placements_sheet(rows: list[list], title: str = "企业实践") -> io.BytesIO:
    return sheet(rows, imports.KINDS["placements"].headers, title)


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def school_hr(make_school, make_teacher, login_as):  # type: ignore[no-untyped-def]
    school = make_school()
    teacher = make_teacher(school=school, name="王老师", staff_no="W001")
    return school, teacher, login_as(role=Role.SCHOOL_HR, school=school)


def test_every_kind_has_a_template_with_its_drop_downs_and_an_example(app, login_as):
    admin, hr = login_as(role=Role.ADMIN), login_as(role=Role.SCHOOL_HR)
    bureau = login_as(role=Role.BUREAU)
    listed = "".join(c.get("/imports").get_data(as_text=True) for c in (admin, hr, bureau))
    assert len(imports.KINDS) == 13
    # The ethics veto is HR's step; the counties' figures are the city bureau's.
    takers = {"ethics": hr, "assessment_figures": bureau}
    for kind in imports.KINDS.values():
        assert f"/imports/{kind.key}/template.xlsx" in listed
        client = takers.get(kind.key, admin)
        book = load_workbook(io.BytesIO(client.get(f"/imports/{kind.key}/template.xlsx").data))
        sheet_ = book[kind.sheet]
        assert [c.value for c in sheet_[1]] == kind.headers
        dropped = {str(v.sqref).split(":")[0][:-1] for v in sheet_.data_validations.dataValidation}
        expected = {c.column_letter for c, col in zip(sheet_[1], kind.columns, strict=True)
                    if col.choices or col.type == "bool"}  # fmt: skip
        assert dropped == expected, kind.key
        notes = [[c.value for c in r] for r in book["填写说明"].iter_rows()]
        assert kind.headers in notes and len(notes[notes.index(kind.headers) + 1]) > 1


def test_the_preview_writes_nothing_the_confirmation_all_and_a_second_import_nothing(
    school_hr,
):
    school, teacher, hr = school_hr
    page = preview(hr, "placements", placements_sheet(placement_rows("W001", "王老师")))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="count-created">2<' in text and count(Placement) == 0
    done = confirm(hr, "placements", page)
    assert done.status_code == 302
    placements = db.session.scalars(select(Placement).order_by(Placement.start_date)).all()
    assert [(p.status, p.days, p.confirmation) for p in placements] == [
        (PlacementStatus.APPROVED, 30, "imported"),
        (PlacementStatus.APPROVED, 20, "imported"),
    ]
    assert placements[1].start_date == date(2024, 7, 1)  # typed as a clerk types it
    # The records say where they came from, in the audit log and on their provenance.
    batch = imports.provenance(placements[0])
    assert batch is not None and batch.kind == "placements" and batch.created == 2
    imported = db.session.execute(
        select(AuditEntry.object_type, func.count())
        .where(AuditEntry.action == "imported")
        .group_by(AuditEntry.object_type)
    ).all()
    assert dict(imported) == {"Placement": 2, "Enterprise": 1}  # the new enterprise too
    # The same file again changes nothing, and says so.
    again = preview(hr, "placements", placements_sheet(placement_rows("W001", "王老师")))
    assert 'id="count-unchanged">2<' in again.get_data(as_text=True)
    assert "无需导入" in again.get_data(as_text=True)
    # A corrected file updates only what changed.
    rows = placement_rows("W001", "王老师")
    rows[1][8] = 18
    page = preview(hr, "placements", placements_sheet(rows))
    assert 'id="count-updated">1<' in page.get_data(as_text=True)
    confirm(hr, "placements", page)
    db.session.expire_all()
    assert [p.days for p in db.session.scalars(select(Placement).order_by(Placement.id))] == [
        30,
        18,
    ]


def test_one_bad_row_writes_nothing_and_every_problem_is_named(school_hr, make_teacher):
    school, teacher, hr = school_hr
    rows = placement_rows("W001", "王老师")
    ahead = today() + timedelta(days=40)
    rows += [
        ["W999", "", "", CODE, "x", "考察观摩", "2023-01-01", "2023-01-02", 1, None, "", "", ""],
        ["W001", "李老师", "", CODE, "x", "考察观摩", "2022-01-01", "2022-01-02", 1, None, "",
         "", ""],
        ["W001", "", "新企业", "91330300MA2AB2CD3X", "x", "考察观摩", "2022-03-01",
         "2022-03-02", 1, None, "", "", ""],
        ["W001", "", "", CODE, "x", "考察观摩", "2023-07-10", "2023-07-12", 2, None, "", "", ""],
        ["W001", "", "", CODE, "x", "考察观摩", str(ahead), str(ahead), 1, None, "", "", ""],
        ["W001", "", "", CODE, "x", "参观", "2022-05-01", "2022-05-03", 9, None, "", "", ""],
    ]  # fmt: skip
    page = preview(hr, "placements", placements_sheet(rows))
    assert page.status_code == 400
    table = errors_of(page)
    for expected in (
        f"<td>4</td><td>工号</td><td>{school.name} 没有这个工号的教师。",
        "<td>5</td><td>姓名</td><td>工号 W001 对应的教师是王老师。",
        "<td>6</td><td>统一社会信用代码</td>",
        "<td>7</td><td>开始日期</td><td>与王老师的另一段企业实践时间重叠：第 2 行",
        "<td>8</td><td>结束日期</td>",  # in the future
        "<td>9</td><td>实践形式</td><td>“参观”不是可选项",
    ):
        assert expected in table, expected
    assert 'name="token"' not in page.get_data(as_text=True) and count(Placement) == 0


def test_files_as_clerks_make_them(school_hr):
    """A title row merged above the headers, extra columns, blank rows, full-width digits."""
    _school, _teacher, hr = school_hr
    kind = imports.KINDS["placements"]
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年企业实践台账"
    ws.append(["某某学校教师企业实践汇总表"])
    ws.merge_cells("A1:H1")
    ws.append([*kind.headers, "备注（学校自用）"])
    ws.append([])
    first, second = placement_rows("Ｗ００１", "王老师")
    ws.append([*first, "已核"])
    ws.append([None] * 5)
    ws.append(second)
    data = io.BytesIO()
    wb.save(data)
    data.seek(0)
    assert import_file(hr, "placements", data).status_code == 302
    assert count(Placement) == 2
    wrong = sheet([["张三", "男"]], ["姓名", "性别"], "花名册")
    text = preview(hr, "placements", wrong).get_data(as_text=True)
    assert "工作表“花名册”不是企业实践" in text and "下载模板" in text
    not_a_book = preview(hr, "placements", io.BytesIO(b"PK\x03\x04 broken"))
    assert "无法读取此文件" in not_a_book.get_data(as_text=True)
    assert "另存为 .xlsx" in not_a_book.get_data(as_text=True)
    assert count(Placement) == 2


def test_imported_practice_counts_in_the_ledger_and_the_title_review(school_hr, make_user):
    from placements import ledger, title_review

    school, teacher, hr = school_hr
    title_review.declare(teacher, today().year, make_user(Role.SCHOOL_HR, school=school))
    db.session.commit()
    on = today()
    assert title_review.count(title_review.short_of_practice(school.id, on)) == 1
    import_file(hr, "placements", placements_sheet(placement_rows("W001", "王老师")))
    assert ledger.summary(teacher).days_in_window == 50
    rows = [["W001", "", "瑞明工业", CODE, "驻厂", "在生产和管理岗位兼职或任职",
             f"{on.year - 2}-01-02", f"{on.year - 2}-05-31", 90, None, "", "", ""]]  # fmt: skip
    import_file(hr, "placements", placements_sheet(rows))
    assert ledger.summary(teacher).days_in_window == 140
    assert title_review.count(title_review.short_of_practice(school.id, on)) == 0


def test_titles_as_schools_write_them(school_hr):
    from teachers.roster import HEADERS, SAMPLE

    school, _teacher, hr = school_hr

    def row(no: str, title: str) -> list:
        values = dict(zip(HEADERS, SAMPLE, strict=True)) | {"工号": no, "职称": title}
        return [values[h] for h in HEADERS]

    written = {"R1": "讲师", "R2": "高级讲师", "R3": "副教授", "R4": "一级实习指导教师",
               "R5": "正高级教师", "R6": "中级"}  # fmt: skip
    rows = [row(no, title) for no, title in written.items()]
    assert import_file(hr, "roster", sheet(rows, HEADERS)).status_code == 302
    got = {t.staff_no: (t.title, t.title_name) for t in db.session.scalars(select(Teacher))}
    assert got["R1"] == (Title.INTERMEDIATE, "讲师")
    assert got["R2"] == (Title.ASSOCIATE_SENIOR, "高级讲师")
    assert got["R3"] == (Title.ASSOCIATE_SENIOR, "副教授")
    assert got["R4"] == (Title.INTERMEDIATE, "一级实习指导教师")
    assert got["R5"] == (Title.SENIOR, "正高级教师")
    assert got["R6"] == (Title.INTERMEDIATE, "")
    # The roster export writes the title as written; imported back, nothing changes.
    exported = hr.get(f"/teachers/export.xlsx?school={school.code}")
    book = load_workbook(io.BytesIO(exported.data))
    titles = [r[HEADERS.index("职称")] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert "高级讲师" in titles and "副教授" in titles
    assert book.active.data_validations.dataValidation, "the export keeps the drop-downs"
    again = preview(hr, "roster", io.BytesIO(exported.data))
    assert 'id="count-unchanged">7<' in again.get_data(as_text=True)
    unknown = preview(hr, "roster", sheet([row("R9", "高级讲课员")], HEADERS))
    assert "“高级讲课员”不是可选项" in errors_of(unknown) and "高级讲师" in errors_of(unknown)


def test_an_exported_roster_edited_updates_only_the_edited_rows(school_hr, make_teacher):
    school, _teacher, hr = school_hr
    for n in range(3):
        make_teacher(school=school, name=f"教师乙{n}")
    exported = hr.get(f"/imports/roster/export.xlsx?school={school.code}")
    book = load_workbook(io.BytesIO(exported.data))
    ws = book["教师名册"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("系部/专业") + 1, value="汽车工程系")
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    page = preview(hr, "roster", data)
    text = page.get_data(as_text=True)
    assert 'id="count-updated">1<' in text and 'id="count-unchanged">3<' in text
    confirm(hr, "roster", page)
    assert count(select(Teacher).where(Teacher.department == "汽车工程系").subquery()) == 1


def test_who_may_import_what(app, make_school, login_as, make_teacher):
    school, other = make_school(), make_school()
    make_teacher(school=school, staff_no="W001", name="王老师")
    hr = login_as(role=Role.SCHOOL_HR, school=school)
    teacher = login_as(role=Role.TEACHER, school=school)
    organizer = login_as(role=Role.ORGANIZER)
    assert teacher.get("/imports").status_code == 403
    assert teacher.get("/imports/roster/template.xlsx").status_code == 403
    assert hr.get("/imports/results").status_code == 403  # the organizer's
    assert organizer.get("/imports/placements").status_code == 403
    assert organizer.get("/imports/results").status_code == 200
    # HR imports for their own school only, whatever the form says.
    refused = preview(hr, "placements", placements_sheet(placement_rows("W001", "")),
                      school=other.code)  # fmt: skip
    assert refused.status_code == 403 and count(Placement) == 0


def test_the_api_contract(api_client, make_school, make_teacher, make_user):
    school = make_school()
    make_teacher(school=school, staff_no="W001", name="王老师")
    call = api_client(make_user(Role.SCHOOL_HR, school=school))
    listed = call("GET", "/api/v1/imports").json["kinds"]
    placements = next(k for k in listed if k["kind"] == "placements")
    assert placements["key_columns"] == ["工号", "统一社会信用代码", "开始日期"]
    template = call("GET", "/api/v1/imports/placements/template")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.data))["企业实践"]

    def post(data: io.BytesIO, **form: str):  # type: ignore[no-untyped-def]
        return call("POST", "/api/v1/imports/placements",
                    data={"file": (data, "实践.xlsx"), **form},
                    content_type="multipart/form-data")  # fmt: skip

    dry = post(placements_sheet(placement_rows("W001", "王老师")))
    assert dry.status_code == 200
    body = dict(dry.json)
    rows = body.pop("rows")
    assert body == {"kind": "placements", "dry_run": True, "created": 2, "updated": 0,
                        "unchanged": 0, "errors": [], "rows_total": 2, "page": 1}  # fmt: skip
    assert [r["action"] for r in rows] == ["created", "created"]
    assert rows[0]["record"].startswith("工号 W001 · 姓名 王老师 · 统一社会信用代码 ")
    assert count(Placement) == 0
    done = post(placements_sheet(placement_rows("W001", "王老师")), dry_run="false")
    assert done.status_code == 200 and done.json["created"] == 2 and not done.json["dry_run"]
    assert count(Placement) == 2 and count(ImportBatch) == 1
    again = post(placements_sheet(placement_rows("W001", "王老师")), dry_run="false")
    assert again.json["unchanged"] == 2 and again.json["created"] == 0
    bad = post(placements_sheet([["W404", *placement_rows("W001", "")[0][1:]]]), dry_run="false")
    assert bad.status_code == 400
    assert bad.json["errors"] == [{"row": 2, "column": "工号",
                                   "message": f"{school.name} 没有这个工号的教师。"}]  # fmt: skip
    assert count(Placement) == 2


def test_an_imported_record_says_so_where_people_read_it(school_hr, make_user, login_as):
    school, teacher, hr = school_hr
    import_file(hr, "placements", placements_sheet(placement_rows("W001", "王老师")))
    placement = db.session.scalars(select(Placement)).first()
    page = hr.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "导入的历史记录 · " in page and today().isoformat() in page
    assert "企业确认以学校原台账为准" in page
    other = db.session.get(Teacher, teacher.id)
    assert "导入的历史记录" not in hr.get(f"/teachers/{other.id}").get_data(as_text=True)
