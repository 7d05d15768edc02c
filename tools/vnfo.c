/* vnfo: command-line front end of libvnfo. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

struct command {
    const char *name;
    cli_command_fn run;
    const char *summary;
};

static const struct command commands[] = {
    {"demo", cmd_demo, "keys, manifest, capture; the honest provider and every cheating scenario, verified"},
    {"generate", cmd_generate, "write a deterministic synthetic capture"},
    {"sample", cmd_sample, "sampling decisions over a pcap/pcapng capture"},
    {"keygen", cmd_keygen, "generate an Ed25519 key pair: NAME.key and NAME.pub"},
    {"log", cmd_log, "verify, dump and prove signed logs (verify, dump, prove, check-proof)"},
    {"manifest", cmd_manifest, "check, sign or verify a verification manifest; print a template"},
    {"account", cmd_account, "check a bill, quantile or SLA against sampled values"},
    {"simulate", cmd_simulate, "play the provider: run a capture through the chain, write logs and a bill"},
    {"tap", cmd_tap, "shim beside a black-box function: pair its ingress and egress frames into a signed log"},
    {"flowtag", cmd_flowtag, "show a FlowTag table checkpoint, or the bindings of given tags"},
    {"verify", cmd_verify, "verify a provider's logs and bill against the manifest; print the report"},
    {"version", cmd_version, "print the library version"},
    {"help", cmd_help, "print this help"},
};

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vnfo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_status_error(const char *cmd, vnfo_status status)
{
    const char *msg = vnfo_error_message();
    fprintf(stderr, "vnfo %s: %s: %s\n", cmd, vnfo_status_name(status),
            *msg ? msg : vnfo_strerror(status));
}

static void usage(FILE *out)
{
    fprintf(out, "usage: vnfo <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n'vnfo <command> --help' describes a command.\n\n"
            "exit codes:\n"
            "  0   success; every check passed\n"
            "  1   a check failed, or the input is invalid (e.g. a manifest error)\n"
            "  2   only inconclusive checks remain\n"
            "  3   input error: unreadable, corrupt or missing input\n"
            "  64  usage error\n");
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return CLI_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("vnfo %s (library %s)\n", VNFO_VERSION_STRING, vnfo_version_string());
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(argc - 1, argv + 1);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    if (vnfo_init() != VNFO_OK) {
        cli_status_error("init", vnfo_error_status());
        return CLI_INPUT_ERROR;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
