"""Work done on a clock rather than on a request: the notification worker sends these signals,
and each area connects what it must do (deadline reminders, roll-ups, sweeps). Each receiver
commits its own work and returns how many things it did."""

from blinker import Namespace

_signals = Namespace()

remind_deadlines = _signals.signal(
    "jobs-remind-deadlines",
    doc="""Time to tell staff of deadlines about to pass or passed (once per case and threshold).
    Sent hourly by the worker and by ``flask notifications deadlines``. Sender: the Flask app.
    Each receiver commits and returns how many people it told.""",
)

refresh_figures = _signals.signal(
    "jobs-refresh-figures",
    doc="""Time to refresh what is computed once a day (the public performance figures). Sent hourly
    by the worker: a receiver does its work only when it is due. Sender: the Flask app. Each
    receiver commits and returns how many things it refreshed.""",
)

tidy_uploads = _signals.signal(
    "jobs-tidy-uploads",
    doc="""Time to tidy the stored files (app.core.storage.sweep: orphans over a day old removed,
    missing files reported). Sent hourly by the worker; the receiver sweeps once a day (``flask uploads
    sweep`` sweeps at once). Sender: the Flask app. Returns how many files it published or removed.""",
)


def run(signal, app) -> int:
    """Send a job signal and add up what its receivers did."""
    return sum(done or 0 for _receiver, done in signal.send(app))
