"""The network as the host serves it: the TCP sockets it listens on, and which process."""

from __future__ import annotations

import re

from lsg_infra.discovery.facts.base import KIB, Fact, to_int
from lsg_infra.discovery.facts.models import ListeningSocket

_SS_USERS = re.compile(r'users:\(\("([^"]*)",pid=(\d+)')


def parse_ss(text: str) -> list[ListeningSocket]:
    """`ss -ltnpH`: state, recv-q, send-q, local address:port, peer, process (root only)."""
    seen: dict[tuple[str, int], ListeningSocket] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] in ("State", "Netid", "Recv-Q"):
            continue
        if not parts[0].isdigit():  # the State column (LISTEN)
            parts = parts[1:]
        if len(parts) < 4:
            continue
        local = parts[2]
        address, sep, port_text = local.rpartition(":")
        port = to_int(port_text)
        if not sep or port is None:
            continue
        address = address.strip("[]").split("%", 1)[0] or "*"
        m = _SS_USERS.search(line)
        sock = ListeningSocket(
            address=address,
            port=port,
            process=m.group(1) if m else None,
            pid=int(m.group(2)) if m else None,
        )
        seen.setdefault((sock.address, sock.port), sock)
    return sorted(seen.values(), key=lambda s: (s.port, s.address))


LISTENING = Fact("listening", "ss -ltnpH 2>/dev/null || ss -ltnp", parse_ss, cap=256 * KIB)
