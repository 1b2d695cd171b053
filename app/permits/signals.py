"""What a permit file announces. Other areas connect to these; permits imports none of them."""

from blinker import Namespace

_signals = Namespace()

file_event = _signals.signal(
    "permit-file-event",
    doc="""A permit file's timeline got an entry (a transition, a note, a message, an opinion…).
    Sender: the CaseEvent (its ``case`` is the file). ``transition``: the Transition taken, or
    None; ``previous``: the status before it.""",
)
