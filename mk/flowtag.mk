# flowtag: tag table, carriers, serialisation (docs/flowtags.md).
libvnfo_la_SOURCES += src/flowtag/table.c src/flowtag/index.c src/flowtag/carrier.c \
	src/flowtag/codec.c src/flowtag/mpread.c src/flowtag/resolve.c \
	src/flowtag/records.c
vnfoinclude_HEADERS += include/vnfo/flowtag.h
noinst_HEADERS += src/flowtag/flowtag_int.h src/flowtag/mpread.h tests/flowtag_testutil.h \
	tests/flowtag_v1_checkpoint.h
EXTRA_DIST += tests/corpus/flowtag

if HAVE_CHECK
check_PROGRAMS += tests/check_flowtag tests/check_flowtag_carrier tests/check_flowtag_codec \
	tests/check_flowtag_resolve
tests_check_flowtag_CFLAGS = $(TEST_CFLAGS)
tests_check_flowtag_LDADD = $(TEST_LIBS)
tests_check_flowtag_carrier_CFLAGS = $(TEST_CFLAGS)
tests_check_flowtag_carrier_LDADD = $(TEST_LIBS)
tests_check_flowtag_codec_CFLAGS = $(TEST_CFLAGS)
tests_check_flowtag_codec_LDADD = $(TEST_LIBS)
# Hash flooding: crafted flows against the index (white box: src/flowtag).
check_PROGRAMS += tests/check_flowtag_flood
tests_check_flowtag_flood_CFLAGS = $(TEST_CFLAGS) $(XXHASH_CFLAGS)
tests_check_flowtag_flood_LDADD = $(TEST_LIBS) $(XXHASH_LIBS)
check_PROGRAMS += tests/check_flowtag_burst
tests_check_flowtag_burst_CFLAGS = $(TEST_CFLAGS)
tests_check_flowtag_burst_LDADD = $(TEST_LIBS)
tests_check_flowtag_resolve_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_flowtag_resolve_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS)
# End to end: NAT and load balancer with sampling shims and signed logs.
check_PROGRAMS += tests/check_flowtag_chain
tests_check_flowtag_chain_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_flowtag_chain_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS)
endif

# The decoder's fuzz target.  make check replays tests/corpus/flowtag through
# it; --enable-fuzzers (clang) also builds a libFuzzer binary:
#   make fuzzers && tests/fuzz/fuzz_flowtag -max_len=4096 <dir>
check_PROGRAMS += tests/replay_flowtag
tests_replay_flowtag_SOURCES = tests/fuzz/fuzz_flowtag.c tests/fuzz/replay.c
tests_replay_flowtag_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"flowtag\"
tests_replay_flowtag_LDADD = libvnfo.la
if FUZZERS
EXTRA_PROGRAMS += tests/fuzz/fuzz_flowtag
VNFO_FUZZERS += tests/fuzz/fuzz_flowtag
tests_fuzz_fuzz_flowtag_SOURCES = tests/fuzz/fuzz_flowtag.c
tests_fuzz_fuzz_flowtag_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_flowtag_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_flowtag_LDADD = $(FUZZ_LIBS)
endif

if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_flowtag.c
TESTS += tests/flowtag_cli.sh
endif
EXTRA_DIST += tests/flowtag_cli.sh

EXTRA_PROGRAMS += bench/bench_flowtag
VNFO_BENCHMARKS += bench/bench_flowtag
bench_bench_flowtag_CFLAGS = $(BENCH_CFLAGS) $(XXHASH_CFLAGS)
bench_bench_flowtag_LDADD = $(BENCH_LIBS) $(XXHASH_LIBS)
