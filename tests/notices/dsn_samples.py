"""Delivery status notifications as mail servers write them (RFC 3464), for the bounce tests:
Postfix's "Undelivered Mail Returned to Sender" (with the returned message), Exchange
Online's NDR (multipart/alternative text and HTML, the returned headers, Exchange's X-
fields), Postfix's "Delayed Mail" warning, and a plain out-of-office reply. Each is bytes as
the mail server hands them to the Maildir, with the Delivered-To line a Postfix virtual
delivery adds (`delivered_to=None` leaves it out)."""
from __future__ import annotations

from email.message import EmailMessage


def _envelope(delivered_to: str | None, to: str) -> str:
    head = "Return-Path: <>\n"
    if delivered_to:
        head += f"Delivered-To: {delivered_to}\nX-Original-To: {delivered_to}\n"
    return head + f"To: {to}\n"


def original_headers(msg: EmailMessage) -> str:
    """The headers of the mail as the SMTP server received it, for the returned part."""
    return "".join(f"{k}: {v}\n" for k, v in msg.items())


def postfix_failed(*, return_path: str, recipient: str, original: str,
                   delivered_to: str | None = "") -> bytes:
    delivered_to = return_path if delivered_to == "" else delivered_to
    return (_envelope(delivered_to, return_path) + f"""\
Received: by mx1.example.co.jp (Postfix)
\tid 4ZxKq71J3bz9sWd; Wed,  2 Dec 2026 10:00:02 +0900 (JST)
Date: Wed,  2 Dec 2026 10:00:02 +0900 (JST)
From: MAILER-DAEMON@mx1.example.co.jp (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4ZxKq71J3bz9sWd.1764637202/mx1.example.co.jp"
Message-Id: <20261202010002.4ZxKq71J3bz9sWd@mx1.example.co.jp>

This is a MIME-encapsulated message.

--4ZxKq71J3bz9sWd.1764637202/mx1.example.co.jp
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.example.co.jp.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{recipient}>: host mbox.example.co.jp[192.0.2.25] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown in
    local recipient table (in reply to RCPT TO command)

--4ZxKq71J3bz9sWd.1764637202/mx1.example.co.jp
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.co.jp
X-Postfix-Queue-ID: 4ZxKq71J3bz9sWd
X-Postfix-Sender: rfc822; {return_path}
Arrival-Date: Wed,  2 Dec 2026 10:00:01 +0900 (JST)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mbox.example.co.jp
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in local recipient table

--4ZxKq71J3bz9sWd.1764637202/mx1.example.co.jp
Content-Description: Undelivered Message
Content-Type: message/rfc822

{original}
(the body of the original message)

--4ZxKq71J3bz9sWd.1764637202/mx1.example.co.jp--
""").encode()


def exchange_failed(*, return_path: str, recipient: str, original: str) -> bytes:
    return (_envelope(return_path, return_path) + f"""\
From: postmaster@contoso.onmicrosoft.com
Date: Wed, 2 Dec 2026 01:00:03 +0000
Subject: =?utf-8?B?6YWN5L+h44Gn44GN44G+44Gb44KT44Gn44GX44Gf?=: notice
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="d5f3a2c1-8b3e-4a3f-9c1e-exchange"
Content-Language: en-US
Message-ID: <5f0c2e7e-3c1b-4e0a-8a53-0a1b2c3d4e5f@TYCP286MB0001.JPNP286.PROD.OUTLOOK.COM>
In-Reply-To: <not-ours@example.invalid>
Auto-Submitted: auto-replied
X-MS-Exchange-Message-Is-Ndr:
MIME-Version: 1.0

--d5f3a2c1-8b3e-4a3f-9c1e-exchange
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="a1b2c3d4-alt"

--a1b2c3d4-alt
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Your message to {recipient} couldn't be delivered.
The email address couldn't be found.

--a1b2c3d4-alt
Content-Type: text/html; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Your message to {recipient} couldn't be delivered.</p></body></html>

--a1b2c3d4-alt--

--d5f3a2c1-8b3e-4a3f-9c1e-exchange
Content-Type: message/delivery-status

Reporting-MTA: dns;TYCP286MB0001.JPNP286.PROD.OUTLOOK.COM
Received-From-MTA: dns;portal.example.jp
Arrival-Date: Wed, 2 Dec 2026 01:00:02 +0000

Original-Recipient: rfc822;{recipient}
Final-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not
 found by SMTP address lookup
X-Display-Name: {recipient}

--d5f3a2c1-8b3e-4a3f-9c1e-exchange
Content-Type: text/rfc822-headers

{original}
--d5f3a2c1-8b3e-4a3f-9c1e-exchange--
""").encode()


def postfix_delayed(*, return_path: str, recipient: str, original: str) -> bytes:
    return (_envelope(return_path, return_path) + f"""\
Date: Wed,  2 Dec 2026 14:00:02 +0900 (JST)
From: MAILER-DAEMON@mx1.example.co.jp (Mail Delivery System)
Subject: Delayed Mail (still being retried)
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="DELAY.1764651602/mx1.example.co.jp"

--DELAY.1764651602/mx1.example.co.jp
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is a warning only; you do not need to resend your message.

--DELAY.1764651602/mx1.example.co.jp
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.example.co.jp
Arrival-Date: Wed,  2 Dec 2026 10:00:01 +0900 (JST)

Final-Recipient: rfc822; {recipient}
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mbox.example.co.jp[192.0.2.25]:25:
    Connection timed out
Will-Retry-Until: Wed,  7 Dec 2026 10:00:01 +0900 (JST)

--DELAY.1764651602/mx1.example.co.jp
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{original}
--DELAY.1764651602/mx1.example.co.jp--
""").encode()


def out_of_office(*, return_path: str) -> bytes:
    return (_envelope(return_path, return_path) + """\
From: taro@example.co.jp
Subject: =?utf-8?B?5LiN5Zyo44Gu44GK55+l44KJ44Gb?=
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

12月7日まで不在にしております。
""").encode()
