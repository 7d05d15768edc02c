# Hostile inputs (issue 11): FIFOs, adversarial batch shapes, streaming
# memory, rewritten files, checkpoint allocation bombs; the CLI readers too.
if HAVE_CHECK
check_PROGRAMS += tests/check_hostile
tests_check_hostile_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_hostile_CFLAGS = $(TEST_CFLAGS)
tests_check_hostile_LDADD = $(SIM_LIBS) $(TEST_LIBS)
# A log over 1 GiB verified by `vnfo log verify` under a 256 MiB address-space limit.
check_PROGRAMS += tests/check_biglog
tests_check_biglog_CFLAGS = $(TEST_CFLAGS)
tests_check_biglog_LDADD = $(TEST_LIBS)
endif

if BUILD_CLI
TESTS += tests/hostile_cli.sh
endif
EXTRA_DIST += tests/hostile_cli.sh

# make bench: peak RSS per record of the streaming log reader and the verifier.
EXTRA_PROGRAMS += bench/bench_memory
VNFO_BENCHMARKS += bench/bench_memory
bench_bench_memory_SOURCES = bench/bench_memory.c
bench_bench_memory_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS) -I$(top_srcdir)/bench
bench_bench_memory_CFLAGS = $(BENCH_CFLAGS)
bench_bench_memory_LDADD = $(SIM_LIBS) $(BENCH_LIBS) $(SODIUM_LIBS)
