"""The documents people print, stamp and file, read back as a person would (pdftotext), on a
machine that has Chromium's DroidSansFallbackFull.ttf: every number, letter and date is there,
in the shipped font; a seal is pressed over the issuer; text a user typed stays text."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import date, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from core import pdf as core_pdf
from core import seals
from core.extensions import db
from core.models import Role, Seal, Task
from core.storage import storage
from core.timeutil import today
from recognition import certificates
from recognition.models import Kind, Recognition, Status
from tests import pdftext


def seal_png(
    size: int = 300, transparent: bool = True, ink: tuple[int, int, int] = (200, 20, 20)
) -> bytes:
    """A red round seal on a transparent (or white) background, as a scan exported to PNG."""
    from PIL import ImageDraw

    picture = Image.new("RGBA", (size, size), (255, 255, 255, 0 if transparent else 255))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((8, 8, size - 8, size - 8), outline=(*ink, 255), width=12)
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=(*ink, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _seal_red(pixel: tuple[int, int, int]) -> bool:
    """The seal's ink (200, 20, 20), not the border's darker red (156, 42, 32)."""
    r, g, b = pixel
    return r > 180 and g < 60 and b < 60


@pytest.fixture
def recognised(app, make_teacher):  # type: ignore[no-untyped-def]
    """A D-class and a dual-qualified certificate of one teacher (as the bureau issues them)."""
    teacher = make_teacher(name="林晓明", staff_no="WZ2019A07")
    on = date(2026, 3, 9)
    made = {}
    for kind, tier, no in ((Kind.D_CLASS, "D", "WZD2026000017"), (Kind.DUAL_QUALIFIED,
                           "intermediate", "WZSS2026000018")):  # fmt: skip
        r = Recognition(
            kind=kind, teacher_id=teacher.id, status=Status.CONFIRMED, tier=tier,
            basis="全国职业院校技能大赛教学能力比赛一等奖", certificate_no=no,
            verification_code=f"AB12CD{len(made)}9EF", confirmed_on=on,
            recheck_due=date(2031, 3, 9) if kind == Kind.DUAL_QUALIFIED else None,
        )  # fmt: skip
        db.session.add(r)
        made[kind] = r
    db.session.commit()
    return teacher, made


def test_the_shipped_font_covers_what_documents_print_and_a_bad_one_is_refused(
    app, caplog, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    pdftext.hostile_font_present()
    assert core_pdf.font_problem(str(core_pdf.SHIPPED_FONT)) is None
    if pdftext.DROID.is_file():
        problem = core_pdf.font_problem(str(pdftext.DROID))
        assert problem and "lacks" in problem and "0" in problem  # no digits
    assert core_pdf.font_problem(str(tmp_path / "none.ttf")) == "no such file"
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert "not an embeddable" in core_pdf.font_problem(str(broken))
    # A configured font that cannot print the documents is never chosen silently.
    monkeypatch.setitem(app.config, "PDF_FONT", str(broken))
    with caplog.at_level(logging.INFO, logger="core.pdf"):
        assert core_pdf.font_name() == core_pdf.SHIPPED_NAME
    assert "PDF_FONT" in caplog.text and "shipped font" in caplog.text
    monkeypatch.setitem(app.config, "PDF_FONT", str(core_pdf.SHIPPED_FONT))  # a good one is used
    assert core_pdf.font_name().startswith(core_pdf.SHIPPED_NAME + "-")
    monkeypatch.setitem(app.config, "PDF_FONT", None)
    assert core_pdf.lacking("证书编号 WZD2026 “双师型”（初级）") == []


def test_a_certificate_prints_every_character(recognised, login_as, tmp_path):  # type: ignore[no-untyped-def]
    teacher, made = recognised
    page = login_as(role=Role.BUREAU)
    d_class = page.get(f"/recognitions/{made[Kind.D_CLASS].id}/certificate.pdf")
    assert d_class.status_code == 200
    text = pdftext.text(d_class.data)
    for shown in (
        *("温州市 D 类人才认定证书", "WZD2026000017", "AB12CD09EF", "2026 年 3 月 9 日"),
        *("林晓明", "认定为温州市 D 类人才", "/verify/AB12CD09EF", "温州市教育局"),
    ):
        assert shown in text, shown
    assert "ShuangshiCJK" in pdftext.fonts(d_class.data) or "WenQuanYi" in pdftext.fonts(
        d_class.data
    )
    assert "Droid" not in pdftext.fonts(d_class.data)
    dual = pdftext.flat(
        page.get(f"/recognitions/{made[Kind.DUAL_QUALIFIED].id}/certificate.pdf").data
    )
    for shown in ("“双师型”教师认定证书", "WZSS2026000018", "中级“双师型”教师",
                  "2031 年 3 月 9 日前复核"):  # fmt: skip
        assert shown in dual, shown


def test_batches_print_every_character_too(recognised, login_as):  # type: ignore[no-untyped-def]
    page = login_as(role=Role.BUREAU)
    for fmt in ("pdf", "zip"):
        started = page.post("/recognitions/certificates", data={"fmt": fmt, "kind": "d_class"})
        assert started.status_code == 302
        task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
        with storage().open(task.file_key) as fh:
            data = fh.read()
        if fmt == "zip":
            archive = zipfile.ZipFile(io.BytesIO(data))
            (name,) = archive.namelist()
            assert name == "WZD2026000017-林晓明.pdf"
            data = archive.read(name)
        text = pdftext.text(data)
        assert "WZD2026000017" in text and "AB12CD09EF" in text and "D 类人才" in text


def test_the_development_record_prints_dates_days_and_page_numbers(recognised, login_as):  # type: ignore[no-untyped-def]
    teacher, _made = recognised
    data = login_as(role=Role.ADMIN).get(f"/teachers/{teacher.id}/development-record.pdf").data
    assert not pdftext.shows(
        data, "林晓明 个人发展档案", "工号 WZ2019A07", "入职 2010-09-01", "第 1 页",
        "WZD2026000017", "WZSS2026000018", "近 5 年合计", "12 个月",
        f"出具单位：{teacher.school.name}（盖章）", today().strftime("%Y 年 %-m 月 %-d 日"),
    )  # fmt: skip


def test_a_seal_is_pressed_over_the_issuer(recognised, login_as, make_user, tmp_path):  # type: ignore[no-untyped-def]
    teacher, made = recognised
    bureau = login_as(make_user(Role.BUREAU))
    page = bureau.get("/seals/city").get_data(as_text=True)
    assert "没有上传公章" in page or "No seal uploaded" in page
    saved = bureau.post("/seals/city", data={"file": (io.BytesIO(seal_png()), "公章.png")})
    assert saved.status_code == 302
    assert "已保存" in bureau.get("/seals/city").get_data(as_text=True)
    assert bureau.get("/seals/city/seal.png").data.startswith(b"\x89PNG")
    made[Kind.D_CLASS].confirmed_on = today()  # issued under the seal just uploaded
    db.session.commit()
    data = bureau.get(f"/recognitions/{made[Kind.D_CLASS].id}/certificate.pdf").data
    rows = pdftext.images(data, tmp_path)
    assert any(" smask " in row for row in rows)  # the seal, with its transparency
    assert "温州市教育局" in pdftext.text(data)  # still readable under the seal
    # Looked at as a picture: red ink where the issuer's name is (right of the page's middle).
    (tmp_path / "c.pdf").write_bytes(data)
    import subprocess

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True)  # fmt: skip
    picture = Image.open(next(tmp_path.glob("c*.png"))).convert("RGB")
    width, height = picture.size
    red = [
        (x, y)
        for x in range(width // 2, width)
        for y in range(height // 2, height)
        if _seal_red(picture.getpixel((x, y)))
    ]
    assert red and min(x for x, _y in red) > width * 0.6  # over the issuer, not over the text
    # A school's seal closes its teachers' development records.
    hr = login_as(make_user(Role.SCHOOL_HR, school=teacher.school))
    assert (
        hr.post(
            f"/seals/school:{teacher.school.code}",
            data={"file": (io.BytesIO(seal_png()), "seal.png")},
        ).status_code
        == 302
    )
    record = hr.get(f"/teachers/{teacher.id}/development-record.pdf").data
    assert any(" smask " in row for row in pdftext.images(record, tmp_path))
    # Removing it asks first (data-confirm) and leaves the empty seal area again.
    assert "data-confirm" in hr.get(f"/seals/school:{teacher.school.code}").get_data(as_text=True)
    hr.post(f"/seals/school:{teacher.school.code}/delete")
    assert seals.find(f"school:{teacher.school.code}") is None
    kept = db.session.scalar(select(Seal).where(Seal.issuer.like("school:%")))
    assert kept is not None and kept.replaced_at is not None  # for what it sealed meanwhile


def _seal_colour(data: bytes, tmp_path, name: str) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    """The colour of the seal's ink on a certificate (None: no seal printed)."""
    import subprocess

    (tmp_path / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name)], check=True)  # fmt: skip
    picture = Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("RGB")
    width, height = picture.size
    inks = [picture.getpixel((x, y)) for x in range(width // 2, width)
            for y in range(height // 2, height)]  # fmt: skip
    for ink in ((200, 20, 20), (20, 20, 200)):
        if any(all(abs(a - b) < 40 for a, b in zip(p, ink, strict=True)) for p in inks):
            return ink
    return None


def test_a_document_keeps_the_seal_of_its_issue_date(recognised, login_as, make_user, tmp_path):  # type: ignore[no-untyped-def]
    """A new seal reprinted onto certificates already issued; the seal page says the change is
    for documents issued from then on. Each keeps the seal in force on its issue date."""
    teacher, made = recognised
    bureau = login_as(make_user(Role.BUREAU))
    old, new = made[Kind.D_CLASS], made[Kind.DUAL_QUALIFIED]

    def certificate(r) -> bytes:  # type: ignore[no-untyped-def]
        return bureau.get(f"/recognitions/{r.id}/certificate.pdf").data

    assert _seal_colour(certificate(old), tmp_path, "none") is None  # before any seal
    assert "（盖章）" in pdftext.text(certificate(old))
    bureau.post("/seals/city", data={"file": (io.BytesIO(seal_png()), "公章.png")})
    red = db.session.scalar(select(Seal).where(Seal.replaced_at.is_(None)))
    red.uploaded_at = datetime(2025, 1, 1)  # the red seal in use since 2025
    old.confirmed_on = date(2025, 6, 1)
    db.session.commit()
    assert _seal_colour(certificate(old), tmp_path, "red") == (200, 20, 20)
    # A new (blue) seal today: the 2025 certificate still shows the red one, today's the blue.
    bureau.post("/seals/city", data={"file": (io.BytesIO(seal_png(ink=(20, 20, 200))), "新.png")})
    new.confirmed_on = today()
    db.session.commit()
    assert _seal_colour(certificate(old), tmp_path, "again") == (200, 20, 20)
    assert _seal_colour(certificate(new), tmp_path, "blue") == (20, 20, 200)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"%PDF-1.4 not an image\n%%EOF", "PNG"),
        (None, "JPEG"),
        ("opaque", "透明"),
        ("tiny", "像素"),
    ],
)
def test_a_seal_that_would_not_print_right_is_refused_saying_what_to_fix(
    app, login_as, make_user, upload, message
):  # type: ignore[no-untyped-def]
    if upload is None:
        out = io.BytesIO()
        Image.new("RGB", (300, 300), (200, 20, 20)).save(out, "JPEG")
        upload = out.getvalue()
    elif upload == "opaque":
        upload = seal_png(transparent=False)
    elif upload == "tiny":
        upload = seal_png(size=40)
    bureau = login_as(make_user(Role.BUREAU))
    answer = bureau.post("/seals/city", data={"file": (io.BytesIO(upload), "seal.png")})
    assert answer.status_code == 303
    assert message in bureau.get(answer.location).get_data(as_text=True)
    assert db.session.scalar(select(Seal)) is None


def test_a_seal_over_2_mb_is_refused(app):  # type: ignore[no-untyped-def]
    from werkzeug.datastructures import FileStorage

    from core import seals
    from core.errors import ValidationFailed

    big = FileStorage(io.BytesIO(seal_png() + b"\0" * seals.MAX_BYTES), filename="seal.png")
    with pytest.raises(ValidationFailed) as refused:
        seals.check_image(big)
    assert "2 MB" in str(refused.value.fields["file"])


def test_who_may_change_which_seal(app, login_as, make_user, make_school, api_client):  # type: ignore[no-untyped-def]
    school = make_school(code="SEAL1", county="330302")
    other = make_school(code="SEAL2", county="330303")
    county_bureau = make_user(Role.BUREAU, county="330302")
    cases = [
        (make_user(Role.ADMIN), {"city": 200, "county:330302": 200, "school:SEAL1": 200}),
        (make_user(Role.BUREAU), {"city": 200, "county:330302": 403, "school:SEAL1": 403}),
        (county_bureau, {"city": 403, "county:330302": 200, "county:330303": 403}),
        (
            make_user(Role.SCHOOL_HR, school=school),
            {"school:SEAL1": 200, "school:SEAL2": 403, "city": 403},
        ),  # fmt: skip
        (make_user(Role.TEACHER), {"city": 403, "school:SEAL1": 403}),
        (make_user(Role.ORGANIZER), {"city": 403}),
    ]
    for user, expected in cases:
        page = login_as(user)
        for issuer, status in expected.items():
            assert page.get(f"/seals/{issuer}").status_code == status, (user.role, issuer)
    assert login_as(make_user(Role.ADMIN)).get("/seals/school:NOPE").status_code == 404
    # The API twin: the same rule, a JSON error, an upload.
    call = api_client(make_user(Role.SCHOOL_HR, school=other))
    refused = call("PUT", "/api/v1/seals/school:SEAL1", data={"file": (io.BytesIO(seal_png()),
                   "s.png")}, content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    saved = call("PUT", "/api/v1/seals/school:SEAL2", data={"file": (io.BytesIO(seal_png()),
                 "s.png")}, content_type="multipart/form-data")  # fmt: skip
    assert saved.status_code == 200 and saved.json["issuer_name"] == other.name
    assert call("GET", "/api/v1/seals/school:SEAL2").json["issuer"] == "school:SEAL2"
    assert call("DELETE", "/api/v1/seals/school:SEAL2").status_code == 204
    assert call("GET", "/api/v1/seals/school:SEAL2").status_code == 404


def test_a_revoked_certificate_says_so_where_it_is_verified(recognised, client):  # type: ignore[no-untyped-def]
    _teacher, made = recognised
    r = made[Kind.DUAL_QUALIFIED]
    genuine = client.get(f"/verify/{r.verification_code}").get_data(as_text=True)
    assert "证书真实有效" in genuine or "genuine" in genuine
    r.status = Status.REVOKED
    r.decision_note = "师德考核不合格，予以撤销。"
    db.session.commit()
    answer = client.get(f"/verify/{r.verification_code}")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "证书真实有效" not in page and "已失效" in page and "师德考核不合格" in page
    assert client.get("/verify/NOSUCHCODE").status_code == 404


HOSTILE = {
    "school": '<font name="Courier">甲</font>校',
    "teacher": '"><img src="/etc/passwd"/>',
    "enterprise": '<a href="http://evil.example">企业</a>',
    "post": "<b>岗位</b><br/>",
}


def test_markup_in_a_name_is_printed_as_text(  # type: ignore[no-untyped-def]
    app, make_school, make_teacher, make_enterprise, make_placement, login_as, tmp_path
):
    school = make_school(code="EVIL", name=HOSTILE["school"])
    teacher = make_teacher(school=school, name=HOSTILE["teacher"])
    enterprise = make_enterprise(name=HOSTILE["enterprise"])
    make_placement(teacher, date(2025, 3, 3), enterprise=enterprise, post=HOSTILE["post"])
    r = Recognition(
        kind=Kind.D_CLASS, teacher_id=teacher.id, status=Status.CONFIRMED, tier="D",
        basis="<a href='http://x'>奖</a>", certificate_no="WZD2026000099",
        verification_code="ZZ99", confirmed_on=date(2026, 1, 5),
    )  # fmt: skip
    db.session.add(r)
    db.session.commit()
    page = login_as(role=Role.ADMIN)
    answer = page.get(f"/recognitions/{r.id}/certificate.pdf")
    assert answer.status_code == 200
    text = pdftext.text(answer.data, layout=False)
    assert '<img src="/etc/passwd"/>' in text and "<a href='http://x'>" in text
    assert certificates.certificates([(r, "https://example.invalid/verify/ZZ99")]).startswith(
        b"%PDF"
    )
    record = page.get(f"/teachers/{teacher.id}/development-record.pdf")
    assert record.status_code == 200
    assert not pdftext.shows(record.data, HOSTILE["teacher"], HOSTILE["school"],
                             HOSTILE["enterprise"], HOSTILE["post"])  # fmt: skip
    assert not pdftext.images(record.data, tmp_path)  # no file of the server's disk embedded
    # The report names the school as typed, as text.
    page.post("/dashboard/report", data={"scope": "school:EVIL", "period": "2025"})
    task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
    with storage().open(task.file_key) as fh:
        assert not pdftext.shows(fh.read(), HOSTILE["school"])


def test_a_configured_font_that_is_missing_is_a_startup_warning(app, caplog, tmp_path):  # type: ignore[no-untyped-def]
    from core import create_app

    with caplog.at_level(logging.WARNING):
        create_app("testing", {**app.config, "PDF_FONT": str(tmp_path / "gone.ttf")})
    assert "gone.ttf cannot be used (no such file)" in caplog.text


def test_a_section_heading_is_never_left_alone_at_a_page_foot(recognised):  # type: ignore[no-untyped-def]
    """The development record left "数字素养" alone at the foot of page 1, its table on page 2.
    However long the sections before it, a heading starts its table's page."""
    from recognition.pdf import development_record

    teacher, _made = recognised
    headings = ["企业实践", "技能竞赛", "数字素养"]
    for rows in range(18, 42):
        sections = {
            "企业实践": [["企业", "天数"]] + [[f"瑞明工业{n}", "5"] for n in range(rows)],
            "技能竞赛": [["竞赛", "奖项"], ["全国职业院校技能大赛", "一等奖"]],
            "数字素养": [["测评", "结果"]]
            + [[f"{2026 - n} 年度测评", "达标"] for n in range(rows % 3 * 30 + 1)],
        }
        pages = pdftext.text(development_record(teacher, sections, date(2026, 3, 9))).split("\f")
        for number, page in enumerate(pages[:-1], start=1):  # the text ends with a page break
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            body = [line for line in lines if "页" not in line]  # the foot's page number aside
            assert body and body[-1] not in headings, (
                f"{rows} rows: “{body[-1]}” ends page {number} alone"
            )
