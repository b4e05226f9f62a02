/* proxy.c: the client behind a trusted reverse proxy. See proxy.h. */
#include "proxy.h"

#include "gw_err.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* A bare address (no brackets, no port) into key; 0 or -1. */
static int bare_key(const char *s, size_t n, unsigned char key[16])
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    unsigned char v4[4];
    if (inet_pton(AF_INET, buf, v4) == 1) {
        memcpy(key, V4_MAPPED, 12);
        memcpy(key + 12, v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, buf, key) == 1 ? 0 : -1;
}

int sd_addr_key(const char *s, size_t n, unsigned char key[16])
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') s++, n -= 2;
    if (n && s[0] == '[') { /* [v6] or [v6]:port */
        const char *e = memchr(s, ']', n);
        if (!e) return -1;
        return bare_key(s + 1, (size_t)(e - s - 1), key);
    }
    const char *colon = memchr(s, ':', n);
    if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
        n = (size_t)(colon - s); /* v4:port (one colon only; v6 has several) */
    return bare_key(s, n, key);
}

int sd_netlist_parse(const gw_strlist *entries, sd_netlist *out, char *why, size_t wn)
{
    out->v = NULL;
    out->n = 0;
    if (!entries || !entries->n) return 0;
    out->v = gw_xcalloc(entries->n, sizeof *out->v);
    for (size_t i = 0; i < entries->n; i++) {
        const char *e = entries->v[i];
        const char *slash = strchr(e, '/');
        size_t alen = slash ? (size_t)(slash - e) : strlen(e);
        sd_net *net = &out->v[out->n];
        int v4 = memchr(e, '.', alen) != NULL;
        if (bare_key(e, alen, net->addr) < 0) {
            snprintf(why, wn, "trusted_proxies: '%s' is not an IPv4 or IPv6 address "
                     "(or ADDRESS/BITS)", e);
            sd_netlist_free(out);
            return -1;
        }
        unsigned max = v4 ? 32 : 128, bits = max;
        if (slash) {
            char *end;
            long b = strtol(slash + 1, &end, 10);
            if (!slash[1] || *end || b < 0 || b > (long)max) {
                snprintf(why, wn, "trusted_proxies: '%s': the prefix length must be 0-%u", e,
                         max);
                sd_netlist_free(out);
                return -1;
            }
            bits = (unsigned)b;
        }
        net->bits = v4 ? 96 + bits : bits;
        out->n++;
    }
    return 0;
}

void sd_netlist_free(sd_netlist *l)
{
    if (!l) return;
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int in_net(const sd_net *net, const unsigned char key[16])
{
    unsigned full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, key, full) != 0) return 0;
    if (!rest) return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (key[full] & mask);
}

int sd_netlist_has(const sd_netlist *l, const unsigned char key[16])
{
    for (size_t i = 0; l && i < l->n; i++)
        if (in_net(&l->v[i], key)) return 1;
    return 0;
}

/* The element of a comma-separated list that ends before end: [*start, end). */
static const char *prev_item(const char *list, const char *end, const char **start)
{
    const char *p = end;
    while (p > list && p[-1] != ',') p--;
    *start = p;
    return p;
}

/* X-Forwarded-For: from the right, the first address that is not trusted. 1 found,
 * 0 every entry trusted (then the leftmost), -1 unreadable. */
static int from_xff(const sd_netlist *trusted, const char *xff, unsigned char client[16])
{
    const char *end = xff + strlen(xff);
    int any = 0;
    while (end > xff) {
        const char *s;
        prev_item(xff, end, &s);
        unsigned char k[16];
        if (sd_addr_key(s, (size_t)(end - s), k) < 0) return any ? 1 : -1;
        memcpy(client, k, 16);
        any = 1;
        if (!sd_netlist_has(trusted, k)) return 1;
        end = s > xff ? s - 1 : s;
    }
    return any ? 0 : -1;
}

/* Forwarded: the for= values of its elements, from the right, by the same rule. */
static int from_forwarded(const sd_netlist *trusted, const char *fwd, unsigned char client[16])
{
    const char *end = fwd + strlen(fwd);
    int any = 0;
    while (end > fwd) {
        const char *s;
        prev_item(fwd, end, &s);
        /* one element: pairs separated by ';' */
        const char *p = s, *val = NULL;
        size_t vlen = 0;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == ';')) p++;
            const char *q = p;
            while (q < end && *q != ';') q++;
            if (q - p > 4 && strncasecmp(p, "for=", 4) == 0) {
                val = p + 4;
                vlen = (size_t)(q - p - 4);
            }
            p = q;
        }
        if (val) {
            unsigned char k[16];
            if (sd_addr_key(val, vlen, k) < 0) return any ? 1 : -1;
            memcpy(client, k, 16);
            any = 1;
            if (!sd_netlist_has(trusted, k)) return 1;
        }
        end = s > fwd ? s - 1 : s;
    }
    return any ? 0 : -1;
}

int sd_client_of(const sd_netlist *trusted, const unsigned char peer[16], const char *xff,
                 const char *forwarded, unsigned char client[16])
{
    memcpy(client, peer, 16);
    if (!trusted || !trusted->n || !sd_netlist_has(trusted, peer)) return 0;
    unsigned char k[16];
    if (xff && *xff && from_xff(trusted, xff, k) >= 0) {
        memcpy(client, k, 16);
        return 1;
    }
    if (forwarded && *forwarded && from_forwarded(trusted, forwarded, k) >= 0) {
        memcpy(client, k, 16);
        return 1;
    }
    return 0;
}

void sd_addr_text(const unsigned char key[16], char *buf, size_t n)
{
    if (memcmp(key, V4_MAPPED, 12) == 0)
        inet_ntop(AF_INET, key + 12, buf, (socklen_t)n);
    else
        inet_ntop(AF_INET6, key, buf, (socklen_t)n);
}
