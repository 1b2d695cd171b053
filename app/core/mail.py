"""E-mail through the SMTP server the commune configures (MAIL_SERVER, MAIL_PORT…)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    pass


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message (UTF-8: Arabic as it is). Raises MailNotSent when the server
    refuses or cannot be reached; with no MAIL_SERVER, demo mode writes the message to the log."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].strip("> ") or None)
    message.set_content(body)
    if not config["MAIL_SERVER"]:
        if not config["DEMO_MODE"]:
            raise MailNotSent("MAIL_SERVER is not set")
        log.info("demo mode, no MAIL_SERVER: the message to %s would say:\n%s", to, body)
        return
    try:
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(str(error)) from error
