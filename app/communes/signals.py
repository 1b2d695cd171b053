"""What the communes area announces."""

from blinker import Namespace

_signals = Namespace()

commune_opened = _signals.signal(
    "commune-opened",
    doc="""A commune is open on the platform (also sent again when it is opened again, to fill
    what is missing). Sender: the Commune. Areas give it what it starts with (complaint
    categories, inspection checklists); each receiver commits its own work.""",
)
