"""What the placement workflow tells the rest of the package (and others) as it happens."""

from blinker import Namespace

_signals = Namespace()

# A placement was submitted: sender is the placement, `by` who submitted it.
submitted = _signals.signal("placements.submitted")
