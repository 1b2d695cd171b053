"""What an inspection announces. The areas an inspection comes from (permits, complaints)
connect to these, so that inspections imports neither."""

from blinker import Namespace

_signals = Namespace()

inspection_event = _signals.signal(
    "inspection-event",
    doc="""An inspection's timeline got an entry (requested, assigned, reported, cancelled…).
    Sender: the InspectionEvent (its ``inspection``). ``transition``: the Transition taken, or
    None; ``previous``: the status before it.""",
)

report_filed = _signals.signal(
    "inspection-report-filed",
    doc="""An agent's report is stored (in the transaction that stores it). Sender: the
    InspectionReport (its ``inspection`` says which case it is about). The case's own area
    lands it on the case's timeline and moves the case on.""",
)
