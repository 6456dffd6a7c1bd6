"""Display labels of digital literacy."""

from flask_babel import lazy_gettext as _l

from .models import IN_POST, PROFESSIONAL

# The dimensions as 《教师数字素养》(JY/T 0646—2022) names them.
DIMENSION = {
    "awareness": _l("Digital awareness"),
    "skills": _l("Digital knowledge and skills"),
    "application": _l("Digital application"),
    "responsibility": _l("Digital social responsibility"),
    "development": _l("Professional development"),
}
TAKERS = {
    PROFESSIONAL: _l("Professional teachers in post"),
    IN_POST: _l("All teachers in post"),
}
