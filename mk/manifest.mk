# manifest: the JSON verification manifest (parse, validate, digest, sign).
libvnfo_la_SOURCES += src/manifest/parse.c src/manifest/parse_chain.c \
	src/manifest/parse_sampling.c src/manifest/parse_sections.c src/manifest/parse_billing.c \
	src/manifest/values.c src/manifest/text.c src/manifest/names.c src/manifest/error.c \
	src/manifest/locate.c src/manifest/suggest.c src/manifest/accessors.c \
	src/manifest/digest.c src/manifest/signature.c src/manifest/template.c \
	src/manifest/sampler.c
vnfoinclude_HEADERS += include/vnfo/manifest.h
noinst_HEADERS += src/manifest/manifest_internal.h
EXTRA_DIST += examples/manifests

if HAVE_CHECK
check_PROGRAMS += tests/check_manifest
tests_check_manifest_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_manifest_LDADD = $(TEST_LIBS) $(JANSSON_LIBS)
endif

# The fuzz harness's corpus, replayed by every build (gcc included); with
# clang and --enable-fuzzers the harness is also a libFuzzer binary
# (make fuzzers; docs/manifest.md, "Fuzzing").
check_PROGRAMS += tests/replay_manifest
tests_replay_manifest_SOURCES = tests/fuzz/fuzz_manifest.c tests/fuzz/replay.c
tests_replay_manifest_CFLAGS = $(AM_CFLAGS) -DFUZZ_CORPUS=\"manifest\"
tests_replay_manifest_LDADD = libvnfo.la
if FUZZERS
EXTRA_PROGRAMS += tests/fuzz_manifest
VNFO_FUZZERS += tests/fuzz_manifest
tests_fuzz_manifest_SOURCES = tests/fuzz/fuzz_manifest.c
tests_fuzz_manifest_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_manifest_LDFLAGS = $(FUZZ_LINKFLAGS)
tests_fuzz_manifest_LDADD = $(FUZZ_LIBS)
endif

# Every shipped example must pass `vnfo manifest check`.
if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_manifest.c
TESTS += tests/manifest_cli.sh
EXTRA_DIST += tests/manifest_cli.sh
endif

# make bench: parse and signature verification against in-run baselines.
EXTRA_PROGRAMS += bench/bench_manifest
VNFO_BENCHMARKS += bench/bench_manifest
bench_bench_manifest_CFLAGS = $(BENCH_CFLAGS) $(JANSSON_CFLAGS)
bench_bench_manifest_LDADD = $(BENCH_LIBS) $(JANSSON_LIBS)
