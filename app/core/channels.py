"""How a case reached the commune: the channel every public figure is broken down by."""

from __future__ import annotations

import enum

from app.i18n import lazy_gettext as _l


class Channel(enum.StrEnum):
    WEB = "web"  # Jamaati's own pages (on the phone or a computer)
    OPEN311 = "open311"  # a client application through the Open311 API
    COUNTER = "counter"  # filed by a clerk at the commune's counter
    LETTER = "letter"  # a paper letter, typed in by a clerk
    PHONE = "phone"  # a phone call, typed in by a clerk


CHANNEL_LABELS = {
    Channel.WEB: _l("Web"),
    Channel.OPEN311: _l("Open311 application"),
    Channel.COUNTER: _l("Counter"),
    Channel.LETTER: _l("Letter"),
    Channel.PHONE: _l("Phone"),
}
