/* Shared declarations of the vnfo command-line tool.  Each command lives in
 * tools/cmd_<name>.c and is listed once in the table in tools/vnfo.c. */
#ifndef VNFO_CLI_H
#define VNFO_CLI_H

#include <vnfo/vnfo.h>

/* Exit codes of every command (also printed by `vnfo --help`). */
enum cli_exit {
    CLI_OK = 0,           /* success; every check passed */
    CLI_FAILED = 1,       /* a check failed or the input is invalid */
    CLI_INCONCLUSIVE = 2, /* only inconclusive checks remain */
    CLI_INPUT_ERROR = 3,  /* unreadable or corrupt input, missing file */
    CLI_USAGE = 64,       /* bad command line */
};

/* A subcommand: argv[0] is the command name. */
typedef int (*cli_command_fn)(int argc, char **argv);

/* vnfo account: accounting and performance checks on sampled values. */
int cmd_account(int argc, char **argv);

/* Whether any argument after the command is --help or -h (every command
 * and subcommand answers it with its usage on stdout and exit 0). */
int cli_wants_help(int argc, char **argv);

/* Prints "vnfo: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "vnfo <cmd>: <status name>: <last error message>" for a failed call. */
void cli_status_error(const char *cmd, vnfo_status status);

/* Commands of the sampler module (tools/cmd_sample.c, cmd_generate.c, cmd_demo.c). */
int cmd_sample(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
/* Writes a deterministic synthetic capture; returns a CLI exit code. */
/* servers: 0, one server per flow; else traffic_gen_share_servers(). */
int generate_capture(const char *path, uint64_t packets, uint32_t flows, uint64_t seed, uint32_t servers);
/* The verifier's commands (tools/cmd_verify.c, tools/cmd_simulate.c). */
int cmd_verify(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

/* vnfo keygen (tools/cmd_keygen.c) and vnfo log (tools/cmd_log.c). */
int cmd_keygen(int argc, char **argv);
int cmd_log(int argc, char **argv);
/* tools/cmd_manifest.c: vnfo manifest check|sign|verify|template */
int cmd_manifest(int argc, char **argv);

/* vnfo tap: a shim beside a black-box function (tools/cmd_tap.c) */
int cmd_tap(int argc, char **argv);

/* vnfo flowtag show (tools/cmd_flowtag.c) */
int cmd_flowtag(int argc, char **argv);

#endif
