"""A complete request, as a good customer would file it (DOMAIN.md's example)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from composer.model import Attachment, Request, Requester, Role, Urgency, WorkedBefore
from composer.profile import ProviderProfile


def good_mail_request() -> Request:
    return Request(
        summary="Mail from Gmail senders to sales@ does not arrive",
        category="mail_receiving",
        domain="example.gr",
        account="sales@example.gr",
        requester=Requester(name="Maria Papadopoulou", email="maria@example.gr", role=Role.OWNER),
        device="Laptop",
        operating_system="Windows 11",
        client="Outlook",
        client_version="2021",
        error_text="550 5.1.1 <sales@example.gr>: Recipient address rejected: User unknown",
        started_text="yesterday around 15:00",
        started_at=datetime(2026, 11, 21, 15, 0, tzinfo=timezone(timedelta(hours=2))),
        worked_before=WorkedBefore.YES,
        tried="Restarted Outlook.\nLogged in to webmail: the messages are not there either.",
        description="Customers who write from Gmail get the message back. Others arrive.",
        answers={
            "from_whom": "Only from Gmail / Outlook.com senders",
            "example_message": "anna@gmail.com to sales@example.gr, today 10:15",
        },
        urgency=Urgency.HIGH,
        attachments=(Attachment(name="bounce.eml", sha256="0" * 64, size=2300, media_type="message/rfc822"),),
    )


def copy_owner_profile(support_address: str, *, copy_owner: bool = True) -> ProviderProfile:
    """A provider that takes e-mail, wants changes from the administrator and the owner in copy."""
    from composer.profile import load_profile_text

    return load_profile_text(
        f"""
format = 2
[provider]
id = "example"
name = "Example Hosting"
[support]
changes_require_admin_address = true
copy_owner = {str(copy_owner).lower()}
[[channels]]
kind = "email"
to = "{support_address}"
[[roles]]
role = "technical"
refuse = ["billing"]
"""
    )
