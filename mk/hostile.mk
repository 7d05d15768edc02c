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

# libFuzzer harnesses of the bill, proof and key-file readers (make fuzzers),
# and their corpora replayed by every build (gcc included) under make check.
check_PROGRAMS += tests/replay_bill tests/replay_proof tests/replay_keyfile
tests_replay_bill_SOURCES = tests/fuzz/fuzz_bill.c tests/fuzz/replay.c
tests_replay_bill_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"bill\"
tests_replay_bill_LDADD = libvnfo.la
tests_replay_proof_SOURCES = tests/fuzz/fuzz_proof.c tests/fuzz/replay.c
tests_replay_proof_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"proof\"
tests_replay_proof_LDADD = libvnfo.la
tests_replay_keyfile_SOURCES = tests/fuzz/fuzz_keyfile.c tests/fuzz/replay.c
tests_replay_keyfile_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"keyfile\"
tests_replay_keyfile_LDADD = libvnfo.la
EXTRA_DIST += tests/corpus/bill tests/corpus/proof tests/corpus/keyfile
if FUZZERS
EXTRA_PROGRAMS += tests/fuzz/fuzz_bill tests/fuzz/fuzz_proof tests/fuzz/fuzz_keyfile
VNFO_FUZZERS += tests/fuzz/fuzz_bill tests/fuzz/fuzz_proof tests/fuzz/fuzz_keyfile
tests_fuzz_fuzz_bill_SOURCES = tests/fuzz/fuzz_bill.c
tests_fuzz_fuzz_bill_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_bill_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_bill_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_proof_SOURCES = tests/fuzz/fuzz_proof.c
tests_fuzz_fuzz_proof_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_proof_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_proof_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_keyfile_SOURCES = tests/fuzz/fuzz_keyfile.c
tests_fuzz_fuzz_keyfile_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_keyfile_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_keyfile_LDADD = $(FUZZ_LIBS)
endif
