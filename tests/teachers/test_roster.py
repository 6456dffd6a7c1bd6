"""The Excel roster: template, all-or-nothing import with a per-row report, and an export that
imports back."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.extensions import db
from core.models import Role
from teachers.models import Teacher
from teachers.roster import HEADERS, SAMPLE
from tests import sheets


def sheet(rows: list[list], headers: list[str] = HEADERS) -> io.BytesIO:
    return sheets.sheet(rows, headers)


def row(staff_no: str, name: str, **changes: object) -> list:
    values = dict(zip(HEADERS, SAMPLE, strict=True))
    values.update({"工号": staff_no, "姓名": name})
    values.update({k: v for k, v in changes.items()})
    return [values[h] for h in HEADERS]


def upload(client, data: io.BytesIO, name: str = "名册.xlsx"):  # type: ignore[no-untyped-def]
    """Preview the roster; when it is clean, confirm it (the confirmation's answer)."""
    page = sheets.preview(client, "roster", data, name)
    if page.status_code != 200:
        return page
    return sheets.confirm(client, "roster", page)


def test_the_template_has_chinese_headers_and_a_sample_row(login_as):
    c = login_as(role=Role.SCHOOL_HR)
    response = c.get("/imports/roster/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in wb["教师名册"][1]] == HEADERS
    sample_rows = [[c.value for c in r] for r in wb["填写说明"].iter_rows()]
    assert SAMPLE in sample_rows


def test_a_good_roster_imports_every_row(login_as, make_school):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    response = upload(
        c, sheet([row("R001", "赵一"), row("R002", "钱二", 性别="女", 专业教师="否")])
    )
    assert response.status_code == 302
    teachers = {t.staff_no: t for t in db.session.query(Teacher).filter_by(school_id=school.id)}
    assert set(teachers) == {"R001", "R002"}
    assert teachers["R002"].gender == "female" and teachers["R002"].professional is False
    assert teachers["R001"].title == "intermediate" and teachers["R001"].education == "bachelor"


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(login_as, make_school):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    rows = [
        row("R001", "赵一"),
        row("R002", "钱二", 性别="未知", 入职日期="2012-13-45"),
        row("R001", "孙三"),  # the same staff number twice in one file
        row("R004", "", 专业教师="也许"),
    ]
    response = upload(c, sheet(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert db.session.query(Teacher).count() == 0
    table = page.split('id="import-errors"')[1]
    for expected in (
        "<td>3</td><td>性别</td>",
        "<td>3</td><td>入职日期</td>",
        "<td>4</td><td>工号</td>",
        "<td>5</td><td>姓名</td>",
        "<td>5</td><td>专业教师</td>",
    ):
        assert expected in table, expected


def test_files_that_are_not_rosters_are_refused_clearly(login_as):
    c = login_as(role=Role.SCHOOL_HR)
    no_roster = upload(c, io.BytesIO(b"a,b"), "名册.csv").get_data(as_text=True)
    assert "工号、姓名、性别、用工形式、入职日期" in no_roster  # read as CSV: no roster's headers
    broken = upload(c, io.BytesIO(b"PK\x03\x04 not really"), "名册.xlsx").get_data(as_text=True)
    assert "无法读取" in broken and "另存为 .xlsx" in broken
    pdf = upload(c, io.BytesIO(b"%PDF-1.4 ..."), "名册.xlsx").get_data(as_text=True)
    assert "PDF" in pdf and "另存为 .xlsx" in pdf
    missing = upload(c, sheet([["x"]], headers=["工号"])).get_data(as_text=True)
    assert "工号、姓名、性别、用工形式、入职日期" in missing and "下载模板" in missing
    empty = upload(c, sheet([])).get_data(as_text=True)
    assert "没有可导入的行" in empty


def test_an_export_imports_back_and_updates_in_place(login_as, make_school, make_teacher):
    school = make_school()
    teacher = make_teacher(school=school, name="周六", department="汽车工程系")
    c = login_as(role=Role.SCHOOL_HR, school=school)
    exported = c.get("/teachers/export.xlsx")
    wb = load_workbook(io.BytesIO(exported.data))
    ws = wb.active
    header = [cell.value for cell in ws[1]]
    assert header[: len(HEADERS)] == HEADERS
    ws.cell(row=2, column=header.index("系部/专业") + 1, value="智能制造系")
    ws.append(row("R100", "新来的"))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    response = upload(c, buffer)
    assert response.status_code == 302
    follow = c.get(response.location).get_data(as_text=True)
    assert "新来的" in follow
    db.session.refresh(teacher)
    assert teacher.department == "智能制造系" and teacher.name == "周六"
    assert db.session.query(Teacher).count() == 2


def test_the_export_follows_the_filters_and_the_scope(login_as, make_school, make_teacher):
    school = make_school()
    make_teacher(school=school, name="专业甲", professional=True)
    make_teacher(school=school, name="公共乙", professional=False)
    make_teacher(name="外校丙")
    c = login_as(role=Role.SCHOOL_HR, school=school)
    wb = load_workbook(io.BytesIO(c.get("/teachers/export.xlsx?professional=1").data))
    names = [r[1] for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["专业甲"]


def test_cells_as_clerks_type_them_are_read_and_a_wrong_choice_says_how_to_fix_it(
    login_as, make_school
):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    refused = upload(
        c, sheet([row("R010", "孙三", 用工形式="合同制"), row("R011", "李四", 职称="讲课员")])
    ).get_data(as_text=True)
    assert "“合同制”不是可选项" in refused and "在编、合同" in refused
    assert "“讲课员”不是可选项" in refused and "高级讲师" in refused  # names the accepted ones
    assert db.session.query(Teacher).filter_by(school_id=school.id).count() == 0
    typed = [
        row(
            "Ｔ０１２",
            "周五",
            手机="１３８５７７０００１２",
            入职日期="2016/9/1",
            出生日期="1988.5.12",
        ),
        row("T013", "吴六", 入职日期="2016年9月1日", 职称取得日期="20181201"),
    ]
    assert upload(c, sheet(typed)).status_code == 302
    teachers = {t.staff_no: t for t in db.session.query(Teacher).filter_by(school_id=school.id)}
    assert set(teachers) == {"T012", "T013"}
    assert teachers["T012"].phone == "13857700012"
    assert str(teachers["T012"].hire_date) == "2016-09-01"
    assert str(teachers["T012"].birth_date) == "1988-05-12"
    assert str(teachers["T013"].hire_date) == "2016-09-01"
    assert str(teachers["T013"].title_date) == "2018-12-01"


def _csv(rows: list[list], encoding: str, delimiter: str = ",") -> io.BytesIO:
    import csv

    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([HEADERS, *rows])
    return io.BytesIO(text.getvalue().encode(encoding))


def test_a_roster_comes_in_from_every_file_a_clerk_has(
    login_as, make_school, api_client, make_user
):  # type: ignore[no-untyped-def]
    """.xls and .ods (saved by LibreOffice, as a school office's suite saves them) and CSV as
    other systems export it (GBK, UTF-8 with BOM, tab-separated) read as the .xlsx does, on
    the page and through the API."""
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    school = make_school()
    hr = make_user(Role.SCHOOL_HR, school=school)
    c = login_as(hr)
    call = api_client(hr)
    files = {
        "名册.xls": io.BytesIO((fixtures / "roster-libreoffice.xls").read_bytes()),
        "名册.ods": io.BytesIO((fixtures / "roster-libreoffice.ods").read_bytes()),
        "名册.xlsx": io.BytesIO((fixtures / "roster-libreoffice.xlsx").read_bytes()),
        "名册-gbk.csv": _csv([row("C001", "郑七"), row("C002", "王八")], "gbk"),
        "名册-bom.csv": _csv([row("C001", "郑七"), row("C002", "王八")], "utf-8-sig"),
        "名册.txt": _csv([row("C001", "郑七"), row("C002", "王八")], "gb18030", "\t"),
    }
    for name, data in files.items():
        page = sheets.preview(c, "roster", io.BytesIO(data.getvalue()), name)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="count-created">2<' in text, (name, text[-2000:])
        answer = call("POST", "/api/v1/imports/roster", data={"file": (data, name)},
                      content_type="multipart/form-data")  # fmt: skip
        assert answer.status_code == 200 and answer.json["created"] == 2, (name, answer.json)
    done = upload(c, _csv([row("C001", "郑七"), row("C002", "王八")], "gbk"), "名册.csv")
    assert done.status_code == 302
    names = {t.name for t in db.session.query(Teacher).filter_by(school_id=school.id)}
    assert names == {"郑七", "王八"}
