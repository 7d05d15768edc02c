# Real captures end to end (issue 12): link layers around IP packets for the
# tests (tools/encap.c), the encapsulation tests of the packet parser, the
# capture corpus and the simulate -> verify runs over it and $VNFO_PCAP_DIR.
tools_libvnfo_traffic_la_SOURCES += tools/encap.c tools/encap.h

if HAVE_CHECK
check_PROGRAMS += tests/check_packet_encap
tests_check_packet_encap_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_packet_encap_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS)
endif

# Equal-label packets in the verifier (issue 12 item 4, issue 11 item 4).
if HAVE_CHECK
check_PROGRAMS += tests/check_verify_labels
tests_check_verify_labels_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_verify_labels_CFLAGS = $(TEST_CFLAGS)
tests_check_verify_labels_LDADD = $(SIM_LIBS) $(TEST_LIBS)
endif

# The README's commands as written, and the CLI papercuts of issue 12.
if BUILD_CLI
TESTS += tests/cli_readme.sh
endif
EXTRA_DIST += tests/cli_readme.sh

# The capture corpus (tests/capture_corpus.c writes it at test time) and the
# simulate -> verify runs over it and over $VNFO_PCAP_DIR (tests/cli_captures.sh).
# (a helper of the tests, not itself a test: every check program is one)
if BUILD_CLI
noinst_PROGRAMS += tests/capture_corpus
tests_capture_corpus_CFLAGS = $(AM_CFLAGS) $(TRAFFIC_CFLAGS)
tests_capture_corpus_LDADD = $(TRAFFIC_LIBS) libvnfo.la
TESTS += tests/cli_captures.sh
endif
EXTRA_DIST += tests/cli_captures.sh

# check_pcaps maps link types as the CLI does.
if BUILD_CLI
if HAVE_CHECK
tests_check_pcaps_SOURCES = tests/check_pcaps.c src/common/quote.c tools/capture.c tools/capture.h tools/cli_input.c tools/cli_input.h tools/pcapng.c tools/pcapng.h
tests_check_pcaps_CFLAGS += $(TRAFFIC_CFLAGS)
endif
endif

# The capture path and its pcapng fallback, on valid and hostile files.
if BUILD_CLI
if HAVE_CHECK
check_PROGRAMS += tests/check_capture
tests_check_capture_SOURCES = tests/check_capture.c src/common/quote.c tools/capture.c tools/capture.h tools/cli_input.c tools/cli_input.h tools/pcapng.c \
	tools/pcapng.h
tests_check_capture_CFLAGS = $(TEST_CFLAGS) $(PCAP_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_capture_LDADD = $(TEST_LIBS) $(PCAP_LIBS)
endif
endif

# make bench: functional checks when every record shares one label.
EXTRA_PROGRAMS += bench/bench_labels
VNFO_BENCHMARKS += bench/bench_labels
bench_bench_labels_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS) -I$(top_srcdir)/bench
bench_bench_labels_CFLAGS = $(BENCH_CFLAGS)
bench_bench_labels_LDADD = $(SIM_LIBS) $(BENCH_LIBS) $(SODIUM_LIBS)
