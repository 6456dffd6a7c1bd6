"""What the competitions package announces. Recognition (D-class talent) listens; nothing here
knows who does."""

from blinker import Namespace

_signals = Namespace()

# Sent with the competition and the entries whose results became public or changed:
# results_changed.send(competition, entries=[...], reason="published" | "corrected")
results_changed = _signals.signal("competitions.results-changed")
