/* proxy.h: who the client is, behind a reverse proxy.
 *
 * Behind nginx or a load balancer every request arrives from the proxy's address, so the
 * per-client limit, its 429 answers and the access log would see one client. The
 * addresses in [searchd] trusted_proxies (IPv4 or IPv6 addresses, or CIDR blocks such as
 * 10.0.0.0/8) are believed when they say whom they forward for:
 *   - X-Forwarded-For: the addresses are read from the right (the last one was added by
 *     the proxy next to us); the first that is not itself a trusted proxy is the client.
 *     Entries further left were written by the client or by proxies we do not know, so
 *     they are never believed (a client cannot pose as another by sending the header).
 *   - else RFC 7239 Forwarded: its for= parameters, by the same rule.
 * A request from any other address is its own client, whatever headers it sends; an
 * unreadable header is ignored (the proxy is then the client).
 *
 * Addresses are handled as 16-byte keys, IPv4 in its IPv4-mapped IPv6 form (one key
 * space). Nothing here allocates except sd_netlist_parse; everything is thread-safe. */
#ifndef SD_PROXY_H
#define SD_PROXY_H

#include "gw_config.h"

#include <stddef.h>

typedef struct sd_net {
    unsigned char addr[16];
    unsigned bits; /* prefix length in the 128-bit key space */
} sd_net;

typedef struct sd_netlist {
    sd_net *v;
    size_t n;
} sd_netlist;

/* Parses the trusted_proxies entries ("127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8").
 * Returns 0 and fills *out (free with sd_netlist_free), or -1 with why naming the bad
 * entry. An empty list gives an empty netlist. */
int sd_netlist_parse(const gw_strlist *entries, sd_netlist *out, char *why, size_t wn);
void sd_netlist_free(sd_netlist *l);
int sd_netlist_has(const sd_netlist *l, const unsigned char key[16]);

/* s[0..n) as an address key: "1.2.3.4", "::1", "[::1]", "[::1]:443", "1.2.3.4:80",
 * quoted forms of Forwarded ("\"[::1]:443\""). Returns 0, or -1 (not an address:
 * "unknown", an obfuscated node name, garbage). */
int sd_addr_key(const char *s, size_t n, unsigned char key[16]);

/* The client behind peer: *client = peer unless peer is trusted and a header names
 * someone else (rule above). xff and forwarded may be NULL. Returns 1 when *client came
 * from a header, 0 when it is the peer. */
int sd_client_of(const sd_netlist *trusted, const unsigned char peer[16], const char *xff,
                 const char *forwarded, unsigned char client[16]);

/* The text form of a key (IPv4-mapped keys as dotted quads) into buf. */
void sd_addr_text(const unsigned char key[16], char *buf, size_t n);

#endif
