/* Stateless firewall: a first-match 5-tuple ACL read from a small text file.
 * Cost model: 150 cycles plus 40 per rule examined; memory is the rule
 * table. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vnfo/common.h>

#include "internal.h" /* vnfo__shown(): the file's name and its words are escaped in messages */

#include "mb_packet.h"
#include "middlebox.h"
#include "relation.h"

#define ACL_MAX_BYTES 65536

static int parse_prefix(struct mb_prefix *p, const char *tok)
{
    memset(p, 0, sizeof *p);
    if (strcmp(tok, "any") == 0 || strcmp(tok, "*") == 0)
        return 0;
    char addr[64];
    const char *slash = strchr(tok, '/');
    size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
    if (n >= sizeof addr)
        return -1;
    memcpy(addr, tok, n);
    addr[n] = '\0';
    if (inet_pton(AF_INET, addr, p->addr) == 1)
        p->version = 4;
    else if (inet_pton(AF_INET6, addr, p->addr) == 1)
        p->version = 6;
    else
        return -1;
    unsigned max = p->version == 4 ? 32 : 128, bits = max;
    if (slash) {
        char *end;
        unsigned long b = strtoul(slash + 1, &end, 10);
        if (*end || end == slash + 1 || b > max)
            return -1;
        bits = (unsigned)b;
    }
    p->bits = (uint8_t)bits;
    return 0;
}

static int parse_ports(uint16_t *lo, uint16_t *hi, const char *tok)
{
    if (strcmp(tok, "any") == 0 || strcmp(tok, "*") == 0) {
        *lo = 0;
        *hi = 65535;
        return 0;
    }
    char *end;
    unsigned long a = strtoul(tok, &end, 10), b = a;
    if (end == tok)
        return -1;
    if (*end == '-') {
        const char *second = end + 1;
        b = strtoul(second, &end, 10);
        if (end == second)
            return -1;
    }
    if (*end || a > 65535 || b > 65535 || a > b)
        return -1;
    *lo = (uint16_t)a;
    *hi = (uint16_t)b;
    return 0;
}

static int parse_proto(uint8_t *out, const char *tok)
{
    if (strcmp(tok, "any") == 0 || strcmp(tok, "*") == 0)
        *out = 0;
    else if (strcmp(tok, "tcp") == 0)
        *out = 6;
    else if (strcmp(tok, "udp") == 0)
        *out = 17;
    else if (strcmp(tok, "icmp") == 0)
        *out = 1;
    else
        return -1;
    return 0;
}

/* One non-empty, non-comment line. */
static int parse_line(struct mb_firewall *fw, char *line, struct mb_error *err, const char *name,
                      int lineno)
{
    char *tok[8];
    int n = 0;
    for (char *save, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
        if (n < 8)
            tok[n++] = t;
        else
            return mb_fail(err, "%s:%d: too many fields", vnfo__shown(name).s, lineno);
    if (n == 2 && strcmp(tok[0], "default") == 0) {
        if (strcmp(tok[1], "allow") && strcmp(tok[1], "deny"))
            return mb_fail(err, "%s:%d: default must be allow or deny", vnfo__shown(name).s, lineno);
        fw->default_allow = strcmp(tok[1], "allow") == 0;
        return 0;
    }
    if (n != 6 || (strcmp(tok[0], "allow") && strcmp(tok[0], "deny")))
        return mb_fail(err, "%s:%d: expected \"allow|deny PROTO SRC SPORT DST DPORT\" or "
                           "\"default allow|deny\"", vnfo__shown(name).s, lineno);
    if (fw->n_rules == MB_FIREWALL_MAX_RULES)
        return mb_fail(err, "%s:%d: more than %d rules", vnfo__shown(name).s, lineno, MB_FIREWALL_MAX_RULES);
    struct mb_rule *r = &fw->rules[fw->n_rules];
    r->allow = strcmp(tok[0], "allow") == 0;
    if (parse_proto(&r->proto, tok[1]))
        return mb_fail(err, "%s:%d: unknown protocol \"%s\"", vnfo__shown(name).s, lineno, vnfo__shown(tok[1]).s);
    if (parse_prefix(&r->src, tok[2]) || parse_prefix(&r->dst, tok[4]))
        return mb_fail(err, "%s:%d: bad address or prefix", vnfo__shown(name).s, lineno);
    if (parse_ports(&r->sport_lo, &r->sport_hi, tok[3]) || parse_ports(&r->dport_lo, &r->dport_hi, tok[5]))
        return mb_fail(err, "%s:%d: bad port or port range", vnfo__shown(name).s, lineno);
    fw->n_rules++;
    return 0;
}

int mb_firewall_parse(struct mb_firewall *out, const char *text, const char *name,
                      uint32_t linktype, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    out->linktype = linktype;
    int lineno = 0;
    while (*text) {
        char line[512];
        size_t n = strcspn(text, "\n");
        lineno++;
        if (n >= sizeof line)
            return mb_fail(err, "%s:%d: line longer than %zu bytes", vnfo__shown(name).s, lineno, sizeof line - 1);
        memcpy(line, text, n);
        line[n] = '\0';
        text += n + (text[n] == '\n');
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (strspn(line, " \t\r") != strlen(line) && parse_line(out, line, err, name, lineno))
            return -1;
    }
    return 0;
}

/* The ACL file: opened as the library opens its inputs (vnfo_file_open():
 * a FIFO, a device or a folder is refused, never waited on), at most
 * ACL_MAX_BYTES read, and text only: a NUL byte would end the C string the
 * parser reads and silently drop every rule after it. */
int mb_firewall_load(struct mb_firewall *out, const char *path, uint32_t linktype,
                     struct mb_error *err)
{
    int fd;
    if (vnfo_file_open(&fd, path) != VNFO_OK)
        return mb_fail(err, "%s", vnfo_error_message());
    char *buf = malloc(ACL_MAX_BYTES + 1);
    size_t len = 0;
    ssize_t n = 1;
    while (buf && len <= ACL_MAX_BYTES && n > 0) {
        n = read(fd, buf + len, ACL_MAX_BYTES + 1 - len);
        if (n > 0)
            len += (size_t)n;
        else if (n < 0 && errno == EINTR)
            n = 1;
    }
    int read_errno = n < 0 ? errno : 0;
    close(fd);
    if (!buf)
        return mb_fail(err, "%s: out of memory", vnfo__shown(path).s);
    int rc = 0;
    const char *nul = memchr(buf, '\0', len);
    if (read_errno)
        rc = mb_fail(err, "%s: %s", vnfo__shown(path).s, strerror(read_errno));
    else if (len > ACL_MAX_BYTES)
        rc = mb_fail(err, "%s: larger than %d bytes", vnfo__shown(path).s, ACL_MAX_BYTES);
    else if (nul) {
        size_t line = 1, col = 1;
        for (const char *p = buf; p < nul; p++, col++)
            if (*p == '\n')
                line++, col = 0;
        rc = mb_fail(err, "%s:%zu:%zu: NUL byte in a text file", vnfo__shown(path).s, line, col);
    } else {
        buf[len] = '\0';
        rc = mb_firewall_parse(out, buf, path, linktype, err);
    }
    free(buf);
    return rc;
}

static int prefix_match(const struct mb_prefix *p, const struct mb_view *v, const uint8_t *addr)
{
    if (p->version == 0)
        return 1;
    if (p->version != v->ip_version)
        return 0;
    size_t full = p->bits / 8, rest = p->bits % 8;
    if (memcmp(p->addr, addr, full) != 0)
        return 0;
    if (!rest)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (p->addr[full] & mask) == (addr[full] & mask);
}

static int rule_match(const struct mb_rule *r, const struct mb_view *v)
{
    if (r->proto && r->proto != v->proto)
        return 0;
    if (!prefix_match(&r->src, v, v->src) || !prefix_match(&r->dst, v, v->dst))
        return 0;
    int any_ports = r->sport_lo == 0 && r->sport_hi == 65535 && r->dport_lo == 0 && r->dport_hi == 65535;
    if (any_ports)
        return 1;
    return v->has_ports && v->sport >= r->sport_lo && v->sport <= r->sport_hi &&
           v->dport >= r->dport_lo && v->dport <= r->dport_hi;
}

vnfo_reference_verdict mb_firewall(void *ctx, const uint8_t *in, size_t in_len, uint8_t *out,
                                   size_t out_cap, size_t *out_len, vnfo_reference_resources *res)
{
    const struct mb_firewall *fw = ctx;
    struct mb_view v;
    res->mem_bytes = sizeof *fw;
    res->cpu_cycles = 150;
    if (mb_packet_parse(&v, in, in_len, fw->linktype) != 0) {
        /* Not IP: a stateless firewall has no rule for it; default applies. */
        if (!fw->default_allow)
            return VNFO_REFERENCE_DROP;
    } else {
        for (size_t i = 0; i < fw->n_rules; i++) {
            res->cpu_cycles += 40;
            if (rule_match(&fw->rules[i], &v)) {
                if (!fw->rules[i].allow)
                    return VNFO_REFERENCE_DROP;
                goto forward;
            }
        }
        if (!fw->default_allow)
            return VNFO_REFERENCE_DROP;
    }
forward:
    if (out_cap < in_len)
        return VNFO_REFERENCE_ERROR;
    memcpy(out, in, in_len);
    *out_len = in_len;
    return VNFO_REFERENCE_FORWARD;
}

int mb_firewall_allows(const struct mb_firewall *fw, const struct mb_view *v)
{
    for (size_t i = 0; i < fw->n_rules; i++)
        if (rule_match(&fw->rules[i], v))
            return fw->rules[i].allow;
    return fw->default_allow;
}
