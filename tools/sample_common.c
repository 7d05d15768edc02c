/* Sampling a capture record by record (see sample_common.h). */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <string.h>

#include "cli_input.h"
#include "sample_common.h"

const char *sample_status_word(vnfo_status st)
{
    switch (st) {
    case VNFO_OK: return "ok";
    case VNFO_E_PACKET_NOT_IP: return "not_ip";
    case VNFO_E_PACKET_TRUNCATED: return "truncated";
    case VNFO_E_PACKET_MALFORMED: return "malformed";
    case VNFO_E_PACKET_UNSUPPORTED: return "unsupported";
    default: return "error";
    }
}

static int status_slot(vnfo_status st)
{
    switch (st) {
    case VNFO_OK: return 0;
    case VNFO_E_PACKET_NOT_IP: return 1;
    case VNFO_E_PACKET_TRUNCATED: return 2;
    case VNFO_E_PACKET_MALFORMED: return 3;
    case VNFO_E_PACKET_UNSUPPORTED: return 4;
    default: return 5;
    }
}

/* libpcap reports DLT_ values; the library takes pcap LINKTYPE_ numbers.
 * They coincide except for raw IP (DLT_RAW is 12 or 14 by platform). */
static uint32_t linktype_of(pcap_t *p)
{
    int dlt = pcap_datalink(p);
    if (dlt == DLT_RAW)
        return VNFO_LINKTYPE_RAW;
    return (uint32_t)dlt;
}

static void print_ip(FILE *out, const char *key, int version, const uint8_t *addr)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(version == 4 ? AF_INET : AF_INET6, addr, text, sizeof text);
    fprintf(out, ",\"%s\":\"%s\"", key, text);
}

static void print_record(FILE *out, uint64_t frame, const vnfo_packet_view *v, vnfo_status pst,
                         const vnfo_sampler_decision *d, uint64_t label, unsigned hash_digits)
{
    fprintf(out, "{\"frame\":%llu,\"status\":\"%s\"", (unsigned long long)frame,
            sample_status_word(pst != VNFO_OK ? pst : (vnfo_status)d->status));
    if (pst == VNFO_OK) {
        vnfo_flow_key k;
        vnfo_packet_flow_key(&k, v);
        fprintf(out, ",\"ip_version\":%u", v->ip_version);
        print_ip(out, "src", v->ip_version, k.src);
        print_ip(out, "dst", v->ip_version, k.dst);
        fprintf(out, ",\"proto\":%u", v->proto);
        if (v->ip_version == 4)
            fprintf(out, ",\"ip_id\":%u", v->frag_id);
        if (v->flags & VNFO_PACKET_HAS_PORTS)
            fprintf(out, ",\"sport\":%u,\"dport\":%u", v->src_port, v->dst_port);
        if (d->status == VNFO_OK)
            fprintf(out, ",\"hash\":\"%0*llx\",\"label\":\"%016llx\"", (int)hash_digits,
                    (unsigned long long)d->hash, (unsigned long long)label);
    }
    fprintf(out, ",\"selected\":%s}\n", d->selected ? "true" : "false");
}

/* Decides and counts one record; a packet that parses but whose field set
 * cannot be extracted (snapped payload) counts under its decision status. */
static void sample_record(struct sample_summary *sum, const vnfo_sampler *s, uint32_t linktype,
                          const uint8_t *data, uint32_t caplen, FILE *jsonl, unsigned digits)
{
    vnfo_packet_view v;
    vnfo_sampler_decision d;
    memset(&d, 0, sizeof d);
    vnfo_status pst = vnfo_packet_parse(&v, data, caplen, linktype);
    uint64_t label = 0;
    if (pst == VNFO_OK) {
        vnfo_sampler_decide_view(&d, s, &v, 0);
        if (d.status == VNFO_OK)
            label = d.selected ? d.label : 0;
        if (d.status == VNFO_OK && !d.selected && jsonl)
            vnfo_sampler_label(&label, s, data, caplen, linktype, 0);
    }
    vnfo_status st = pst != VNFO_OK ? pst : (vnfo_status)d.status;
    sum->packets++;
    sum->by_status[status_slot(st)]++;
    sum->parsed += st == VNFO_OK;
    sum->selected += d.selected;
    if (jsonl)
        print_record(jsonl, sum->packets, &v, pst, &d, label, digits);
}

int sample_capture(struct sample_summary *sum, const char *path, const vnfo_sampler *s, FILE *jsonl,
                   unsigned hash_digits)
{
    memset(sum, 0, sizeof *sum);
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = cli_pcap_open(path, errbuf);
    if (!p) {
        snprintf(sum->error, sizeof sum->error, "%s: cannot read capture: %s", path, errbuf);
        return -2;
    }
    uint32_t linktype = linktype_of(p);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1)
        sample_record(sum, s, linktype, data, hdr->caplen, jsonl, hash_digits);
    if (rc == -1)
        snprintf(sum->error, sizeof sum->error, "%s: record %llu: %s", path,
                 (unsigned long long)sum->packets + 1, pcap_geterr(p));
    pcap_close(p);
    return rc == -1 ? -1 : 0;
}
