# log: signed Merkle batches, writer, reader/verifier, inclusion proofs.
libvnfo_la_SOURCES += src/log/hash.c src/log/batch.c src/log/writer.c src/log/reader.c \
	src/log/proof.c src/log/file.c
vnfoinclude_HEADERS += include/vnfo/log.h
noinst_HEADERS += src/log/log_internal.h

if HAVE_CHECK
check_PROGRAMS += tests/check_log
tests_check_log_CFLAGS = $(TEST_CFLAGS)
tests_check_log_LDADD = $(TEST_LIBS)
endif

# The batch fuzz harness's corpus, replayed by every build (gcc included).
check_PROGRAMS += tests/replay_batch
tests_replay_batch_SOURCES = tests/fuzz/fuzz_batch.c tests/fuzz/replay.c
tests_replay_batch_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"batch\"
tests_replay_batch_LDADD = libvnfo.la
noinst_HEADERS += tests/fuzz/fuzz_key.h tests/log_example.h

# Generator of the FORMAT.md worked example and of the signed corpus seeds.
EXTRA_PROGRAMS += tests/log_example
tests_log_example_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
tests_log_example_LDADD = libvnfo.la $(SODIUM_LIBS)
CLEANFILES += tests/log_example

# libFuzzer harnesses of the record and batch decoders (make fuzzers).
if FUZZERS
EXTRA_PROGRAMS += tests/fuzz/fuzz_record tests/fuzz/fuzz_batch
VNFO_FUZZERS += tests/fuzz/fuzz_record tests/fuzz/fuzz_batch
tests_fuzz_fuzz_record_SOURCES = tests/fuzz/fuzz_record.c
tests_fuzz_fuzz_record_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_record_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_record_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_batch_SOURCES = tests/fuzz/fuzz_batch.c
tests_fuzz_fuzz_batch_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_batch_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_batch_LDADD = $(FUZZ_LIBS)
endif

# vnfo keygen and vnfo log (verify, dump, prove, check-proof).
if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_keygen.c tools/cmd_log.c
TESTS += tests/log_cli.sh
EXTRA_DIST += tests/log_cli.sh
endif

# make bench: append+sign and verify+decode throughput against the hash floor.
EXTRA_PROGRAMS += bench/bench_log
VNFO_BENCHMARKS += bench/bench_log
bench_bench_log_CFLAGS = $(BENCH_CFLAGS) $(SODIUM_CFLAGS)
bench_bench_log_LDADD = $(BENCH_LIBS) $(SODIUM_LIBS)
