# account: mergeable accumulators, estimators, intervals, quantile,
# minimality and performance checks.
libvnfo_la_SOURCES += src/account/acc.c src/account/sketch.c src/account/exact.c \
	src/account/serial.c src/account/summary.c src/account/special.c src/account/stats.c \
	src/account/options.c src/account/names.c src/account/total.c src/account/count.c \
	src/account/quantile.c src/account/minimality.c src/account/perf.c src/account/clusters.c
vnfoinclude_HEADERS += include/vnfo/account.h
noinst_HEADERS += src/account/account_internal.h

if HAVE_CHECK
check_PROGRAMS += tests/check_account tests/check_account_sim tests/account_probe \
	tests/account_guarantee
tests_check_account_CFLAGS = $(TEST_CFLAGS)
tests_check_account_LDADD = $(TEST_LIBS)
tests_check_account_sim_CFLAGS = $(TEST_CFLAGS)
tests_check_account_sim_LDADD = $(TEST_LIBS)
# The probe compiles the pure special functions in (they are not exported)
# so tests/python/test_account_scipy.py can compare them with scipy.
tests_account_probe_SOURCES = tests/account_probe.c src/account/special.c src/account/stats.c
tests_account_probe_CFLAGS = $(TEST_CFLAGS)
tests_account_probe_LDADD = $(TEST_LIBS)
# Samples populations with the library's hash sampler for
# tests/python/test_account_guarantee.py.
tests_account_guarantee_CFLAGS = $(TEST_CFLAGS)
tests_account_guarantee_LDADD = $(TEST_LIBS)
endif
EXTRA_DIST += tests/python/test_account_scipy.py tests/python/test_account_scale.py \
	tests/python/test_account_guarantee.py

EXTRA_PROGRAMS += bench/bench_account
VNFO_BENCHMARKS += bench/bench_account
bench_bench_account_CFLAGS = $(BENCH_CFLAGS)
bench_bench_account_LDADD = $(BENCH_LIBS)

if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_account.c
TESTS += tests/cli_account.sh
endif
EXTRA_DIST += tests/cli_account.sh
