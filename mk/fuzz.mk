# Fuzz harnesses added by the hardening audit (docs/fuzzing.md): the
# streaming log-file reader against the in-memory one, the packet parser and
# its digests over every link type, the tap, and the capture readers of the
# CLI.  make check replays each corpus (tests/corpus/<name>) under the build's
# compiler; --enable-fuzzers (clang) also builds libFuzzer binaries.
check_PROGRAMS += tests/replay_logfile tests/replay_packet tests/replay_tap
tests_replay_logfile_SOURCES = tests/fuzz/fuzz_logfile.c tests/fuzz/replay.c
tests_replay_logfile_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"logfile\"
tests_replay_logfile_LDADD = libvnfo.la
tests_replay_packet_SOURCES = tests/fuzz/fuzz_packet.c tests/fuzz/replay.c
tests_replay_packet_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"packet\"
tests_replay_packet_LDADD = libvnfo.la
tests_replay_tap_SOURCES = tests/fuzz/fuzz_tap.c tests/fuzz/replay.c
tests_replay_tap_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"tap\"
tests_replay_tap_LDADD = libvnfo.la
EXTRA_DIST += tests/corpus/logfile tests/corpus/packet tests/corpus/tap tests/corpus/capture
FUZZ_CAPTURE_SOURCES = tests/fuzz/fuzz_capture.c tools/capture.c tools/cli_input.c tools/pcapng.c
if BUILD_CLI
check_PROGRAMS += tests/replay_capture
tests_replay_capture_SOURCES = $(FUZZ_CAPTURE_SOURCES) tests/fuzz/replay.c src/common/quote.c
tests_replay_capture_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) -DFUZZ_CORPUS=\"capture\"
tests_replay_capture_LDADD = libvnfo.la $(PCAP_LIBS)
endif

if FUZZERS
EXTRA_PROGRAMS += tests/fuzz/fuzz_logfile tests/fuzz/fuzz_packet tests/fuzz/fuzz_tap
VNFO_FUZZERS += tests/fuzz/fuzz_logfile tests/fuzz/fuzz_packet tests/fuzz/fuzz_tap
tests_fuzz_fuzz_logfile_SOURCES = tests/fuzz/fuzz_logfile.c
tests_fuzz_fuzz_logfile_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_logfile_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_logfile_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_packet_SOURCES = tests/fuzz/fuzz_packet.c
tests_fuzz_fuzz_packet_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_packet_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_packet_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_tap_SOURCES = tests/fuzz/fuzz_tap.c
tests_fuzz_fuzz_tap_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_tap_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_tap_LDADD = $(FUZZ_LIBS)
if BUILD_CLI
EXTRA_PROGRAMS += tests/fuzz/fuzz_capture
VNFO_FUZZERS += tests/fuzz/fuzz_capture
tests_fuzz_fuzz_capture_SOURCES = $(FUZZ_CAPTURE_SOURCES)
tests_fuzz_fuzz_capture_CFLAGS = $(FUZZ_CFLAGS) $(PCAP_CFLAGS)
tests_fuzz_fuzz_capture_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_fuzz_capture_LDADD = $(FUZZ_LIBS) $(PCAP_LIBS)
endif
endif

# Messages escape everything from the input (file, source and document names).
if HAVE_CHECK
check_PROGRAMS += tests/check_escape
tests_check_escape_CFLAGS = $(TEST_CFLAGS)
tests_check_escape_LDADD = $(TEST_LIBS)
endif

# The CLI escapes file names in its messages; every capture-reading command
# over every file under $VNFO_PCAP_DIR (skipped when unset).
if BUILD_CLI
TESTS += tests/cli_audit.sh tests/cli_capture_sweep.sh
endif
EXTRA_DIST += tests/cli_audit.sh tests/cli_capture_sweep.sh tests/corpus/make_audit_corpus.py
