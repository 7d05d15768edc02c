# sampler: keyed hash-based selection, labels, key epochs, sampling key files.
libvnfo_la_SOURCES += src/sampler/sampler.c src/sampler/decide.c src/sampler/bob.c \
	src/sampler/text.c src/sampler/keys.c src/sampler/sampler_internal.h \
	src/sampler/fastparse.h src/sampler/fasthash.h
vnfoinclude_HEADERS += include/vnfo/sampler.h

if HAVE_CHECK
check_PROGRAMS += tests/check_sampler
tests_check_sampler_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS) $(XXHASH_CFLAGS)
tests_check_sampler_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS) $(XXHASH_LIBS) -lpthread
# The decide path's fast parser against the general one.
check_PROGRAMS += tests/check_sampler_fast
tests_check_sampler_fast_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_sampler_fast_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS)
endif

if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_sample.c tools/cmd_generate.c tools/cmd_demo.c \
	tools/sample_common.c tools/sample_common.h tools/capture.c tools/capture.h tools/pcapng.c tools/pcapng.h
tools_vnfo_CFLAGS += $(TRAFFIC_CFLAGS)
tools_vnfo_LDADD += $(TRAFFIC_LIBS)
endif

# Real captures (VNFO_PCAP_DIR) through parser, digest and sampler; needs libpcap.
if BUILD_CLI
if HAVE_CHECK
check_PROGRAMS += tests/check_pcaps
tests_check_pcaps_CFLAGS = $(TEST_CFLAGS) $(PCAP_CFLAGS)
tests_check_pcaps_LDADD = $(TEST_LIBS) $(PCAP_LIBS)
endif
endif

# The CLI end to end (generate, sample, demo).
if BUILD_CLI
TESTS += tests/check-cli-sample.sh
endif
EXTRA_DIST += tests/check-cli-sample.sh

# make bench: decisions per packet against the bare hash.
EXTRA_PROGRAMS += bench/bench_sampler
VNFO_BENCHMARKS += bench/bench_sampler
bench_bench_sampler_CFLAGS = $(BENCH_CFLAGS) $(TRAFFIC_CFLAGS) $(SODIUM_CFLAGS) $(XXHASH_CFLAGS)
bench_bench_sampler_LDADD = $(TRAFFIC_LIBS) $(BENCH_LIBS) $(SODIUM_LIBS) $(XXHASH_LIBS)
