"""How long a caller has been silent (caller rule 12: silence has an end).

Twilio's requests carry no clock of the call, so the line carries one itself:
every URL it hands Twilio ends in `t`, the Unix time (whole seconds, by the
server's clock) of the caller's last key or word, or of the moment the call
came in. Twilio signs each request with the URL it was given, so `t` comes back
as the line wrote it. Any key or word starts it again. A missing, malformed or
future `t` (a call begun before the line carried it, a server whose clock is
ahead) counts from now: a call is never ended early on a guess.
"""

from __future__ import annotations

import datetime as dt

PARAM = "t"


def last_input(args, now: dt.datetime, heard: bool) -> int:
    """The time of the caller's last key or word: now when this request brings one (`heard`),
    else the `t` the request's URL carries."""
    now_s = int(now.timestamp())
    if heard:
        return now_s
    value = args.get(PARAM, "")
    if value.isascii() and value.isdigit() and len(value) <= 12 and int(value) <= now_s:
        return int(value)
    return now_s


def quiet_for(since: int, now: dt.datetime) -> float:
    """Seconds from the last key or word (`since`) to `now`."""
    return max(0.0, now.timestamp() - since)
