"""Display labels of the teacher enums (zh-CN via the catalog, English as written)."""

from flask_babel import lazy_gettext as _l

from .models import CertificateKind, Education, Employment, Gender, SkillLevel, TeacherStatus, Title

GENDER = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}
EMPLOYMENT = {
    Employment.ESTABLISHMENT: _l("In establishment"),
    Employment.CONTRACT: _l("Contract"),
}
TITLE = {
    Title.NONE: _l("No title"),
    Title.JUNIOR: _l("Junior"),
    Title.INTERMEDIATE: _l("Intermediate"),
    Title.ASSOCIATE_SENIOR: _l("Associate senior"),
    Title.SENIOR: _l("Senior"),
}
EDUCATION = {
    Education.SECONDARY: _l("Secondary school"),
    Education.JUNIOR_COLLEGE: _l("Junior college"),
    Education.BACHELOR: _l("Bachelor"),
    Education.MASTER: _l("Master"),
    Education.DOCTORATE: _l("Doctorate"),
}
STATUS = {TeacherStatus.ACTIVE: _l("Active"), TeacherStatus.LEFT: _l("Left")}
CERTIFICATE_KIND = {
    CertificateKind.SKILL_LEVEL: _l("Vocational skill level certificate"),
    CertificateKind.VOCATIONAL_QUALIFICATION: _l("Vocational qualification certificate"),
    CertificateKind.PROFESSIONAL_QUALIFICATION: _l("Professional and technical qualification"),
    CertificateKind.OTHER: _l("Other certificate"),
}
SKILL_LEVEL = {
    SkillLevel.LEVEL5: _l("Level 5 / Junior worker"),
    SkillLevel.LEVEL4: _l("Level 4 / Intermediate worker"),
    SkillLevel.LEVEL3: _l("Level 3 / Senior worker"),
    SkillLevel.LEVEL2: _l("Level 2 / Technician"),
    SkillLevel.LEVEL1: _l("Level 1 / Senior technician"),
}
YES_NO = {True: _l("Yes"), False: _l("No")}
