"""What a complaint announces. Other areas connect to these; complaints imports none of them."""

from blinker import Namespace

_signals = Namespace()

complaint_event = _signals.signal(
    "complaint-event",
    doc="""A complaint's timeline got an entry. Sender: the ComplaintEvent (its ``complaint``).
    ``transition``: the Transition taken, or None; ``previous``: the status before it.""",
)
