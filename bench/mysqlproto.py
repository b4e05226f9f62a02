"""A minimal MySQL-protocol client (text protocol, no authentication), enough to speak
SphinxQL to Sphinx's searchd. Python's standard library has no MySQL client, and the
benchmark must not spawn a process per query."""
import socket
import struct


class Error(Exception):
    pass


class Conn:
    def __init__(self, host, port, timeout=30.0):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self._packet()  # server greeting
        caps = 0x0200 | 0x8000 | 0x0001 | 0x0004  # PROTOCOL_41, SECURE_CONN, LONG_PASS, LONG_FLAG
        body = struct.pack("<IIB23x", caps, 1 << 24, 33) + b"bench\0" + b"\0"
        self._send(body, 1)
        p = self._packet()
        if p[:1] == b"\xff":
            raise Error(p[3:].decode("utf-8", "replace"))

    def _recv(self, n):
        while len(self.buf) < n:
            d = self.s.recv(max(65536, n - len(self.buf)))
            if not d:
                raise Error("connection closed")
            self.buf += d
        r, self.buf = self.buf[:n], self.buf[n:]
        return r

    def _packet(self):
        h = self._recv(4)
        n = h[0] | (h[1] << 8) | (h[2] << 16)
        return self._recv(n)

    def _send(self, body, seq):
        self.s.sendall(struct.pack("<I", len(body))[:3] + bytes([seq]) + body)

    @staticmethod
    def _lenenc(p, i):
        c = p[i]
        if c < 0xfb:
            return c, i + 1
        if c == 0xfb:
            return None, i + 1
        if c == 0xfc:
            return p[i + 1] | (p[i + 2] << 8), i + 3
        if c == 0xfd:
            return p[i + 1] | (p[i + 2] << 8) | (p[i + 3] << 16), i + 4
        return struct.unpack("<Q", p[i + 1:i + 9])[0], i + 9

    def query(self, sql):
        """Runs one statement; returns the rows of its first result set (lists of str;
        [] for OK). Further result sets (Sphinx's FACET) are read and dropped."""
        return self.query_all(sql)[0]

    def query_all(self, sql):
        """Runs one statement; returns every result set it produced, in order (a FACET
        clause of Sphinx adds one per facet)."""
        self._send(b"\x03" + sql.encode("utf-8"), 0)
        sets = []
        while True:
            p = self._packet()
            if p[:1] == b"\xff":
                raise Error(p[9:].decode("utf-8", "replace"))
            if p[:1] == b"\x00":
                sets.append([])
                return sets
            ncols, _ = self._lenenc(p, 0)
            for _ in range(ncols):
                self._packet()
            p = self._packet()  # EOF after column definitions
            rows = []
            while True:
                p = self._packet()
                if p[:1] == b"\xfe" and len(p) < 9:
                    break
                if p[:1] == b"\xff":
                    raise Error(p[9:].decode("utf-8", "replace"))
                i, row = 0, []
                for _ in range(ncols):
                    n, i = self._lenenc(p, i)
                    if n is None:
                        row.append(None)
                    else:
                        row.append(p[i:i + n].decode("utf-8", "replace"))
                        i += n
                rows.append(row)
            sets.append(rows)
            # the closing EOF packet: 0xfe, warnings (2 bytes), status flags (2 bytes);
            # SERVER_MORE_RESULTS_EXISTS (0x0008) announces another result set
            status = p[3] | (p[4] << 8) if len(p) >= 5 else 0
            if not status & 0x0008:
                return sets

    def close(self):
        try:
            self._send(b"\x01", 0)
        except OSError:
            pass
        self.s.close()
