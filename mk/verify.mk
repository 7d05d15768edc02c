# verify and report: reports with evidence (report), the provider's bill,
# the reference middleboxes, the end-to-end verifier and its CLI commands.
libvnfo_la_SOURCES += src/report/report.c src/report/strbuf.c src/report/render_json.c \
	src/report/render_text.c
vnfoinclude_HEADERS += include/vnfo/report.h
noinst_HEADERS += src/report/report_private.h

if HAVE_CHECK
check_PROGRAMS += tests/check_report
tests_check_report_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_report_LDADD = $(TEST_LIBS) $(JANSSON_LIBS)
endif

# The provider's bill (docs/bill.md).
libvnfo_la_SOURCES += src/verify/bill.c src/verify/jsonpos.c
vnfoinclude_HEADERS += include/vnfo/bill.h
noinst_HEADERS += src/verify/jsonpos.h

if HAVE_CHECK
check_PROGRAMS += tests/check_bill
tests_check_bill_CFLAGS = $(TEST_CFLAGS)
tests_check_bill_LDADD = $(TEST_LIBS)
endif

# Reference middleboxes (examples/middleboxes): the provider's functions in
# `vnfo simulate`, the customer's references in `vnfo verify --reference`.
noinst_LTLIBRARIES += examples/middleboxes/libmiddlebox.la
examples_middleboxes_libmiddlebox_la_SOURCES = examples/middleboxes/middlebox.h \
	examples/middleboxes/mb_packet.h examples/middleboxes/mb_packet.c \
	examples/middleboxes/common.c examples/middleboxes/firewall.c examples/middleboxes/nat.c \
	examples/middleboxes/ids.c examples/middleboxes/relation.h examples/middleboxes/conn.c \
	examples/middleboxes/flowtable.c examples/middleboxes/stateful.c \
	examples/middleboxes/fw_relation.c examples/middleboxes/nat_relation.c \
	examples/middleboxes/ids_relation.c examples/middleboxes/stream_ids.c \
	src/common/quote.c
examples_middleboxes_libmiddlebox_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
EXTRA_DIST += examples/middleboxes/acl.txt

if HAVE_CHECK
check_PROGRAMS += tests/check_middlebox
tests_check_middlebox_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/middleboxes
tests_check_middlebox_CFLAGS = $(TEST_CFLAGS)
tests_check_middlebox_LDADD = examples/middleboxes/libmiddlebox.la $(TEST_LIBS)
endif

# The verifier.
libvnfo_la_SOURCES += src/verify/verifier.c src/verify/run.c src/verify/store.c \
	src/verify/trajectory.c src/verify/replay.c src/verify/integrity.c \
	src/verify/accounting.c src/verify/performance.c src/verify/evidence.c \
	src/verify/flowtags.c src/verify/sampling.c src/verify/relation.c \
	src/verify/take.c src/common/workers.c
vnfoinclude_HEADERS += include/vnfo/verify.h
noinst_HEADERS += src/verify/verify_private.h src/workers.h

# The simulated provider (tools/sim.h): vnfo simulate, vnfo demo, the tests.
noinst_LTLIBRARIES += tools/libvnfo_sim.la
tools_libvnfo_sim_la_SOURCES = tools/sim.h tools/sim.c tools/sim_scenarios.c tools/sim_setup.c tools/sim_stateful.c \
	tools/cli_output.h
tools_libvnfo_sim_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/examples/middleboxes -I$(top_srcdir)/tools
tools_libvnfo_sim_la_CFLAGS = $(AM_CFLAGS) $(SODIUM_CFLAGS)
tools_libvnfo_sim_la_LIBADD = examples/middleboxes/libmiddlebox.la tools/libvnfo_traffic.la
SIM_CPPFLAGS = -I$(top_srcdir)/examples/middleboxes -I$(top_srcdir)/tools
SIM_LIBS = tools/libvnfo_sim.la

if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_verify.c tools/cmd_simulate.c tools/verify_dir.c tools/verify_dir.h
tools_vnfo_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tools_vnfo_LDADD += $(SIM_LIBS)
endif

if HAVE_CHECK
check_PROGRAMS += tests/check_verify
tests_check_verify_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_verify_CFLAGS = $(TEST_CFLAGS)
tests_check_verify_LDADD = $(SIM_LIBS) $(TEST_LIBS)

# The verifier's threads: byte-identical reports for 1, 2, 3 and 8 threads.
check_PROGRAMS += tests/check_verify_threads
tests_check_verify_threads_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_verify_threads_CFLAGS = $(TEST_CFLAGS)
tests_check_verify_threads_LDADD = $(SIM_LIBS) $(TEST_LIBS)
endif

if BUILD_CLI
TESTS += tests/verify_cli.sh
endif
EXTRA_DIST += tests/verify_cli.sh

# make bench: end-to-end verify throughput with each stage's share.
EXTRA_PROGRAMS += bench/bench_verify
VNFO_BENCHMARKS += bench/bench_verify
bench_bench_verify_SOURCES = bench/bench_verify.c
bench_bench_verify_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS) -I$(top_srcdir)/bench
bench_bench_verify_CFLAGS = $(BENCH_CFLAGS)
bench_bench_verify_LDADD = $(SIM_LIBS) $(BENCH_LIBS) $(SODIUM_LIBS)

# Black-box relations (src/verify/relation.c, examples/middleboxes/*_relation.c).
if HAVE_CHECK
check_PROGRAMS += tests/check_relation
tests_check_relation_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_relation_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_check_relation_LDADD = $(SIM_LIBS) $(TEST_LIBS) $(JANSSON_LIBS)
endif
if BUILD_CLI
TESTS += tests/relation_cli.sh
endif
EXTRA_DIST += tests/relation_cli.sh

# make bench: the cost of relation checking against replay, same run.
EXTRA_PROGRAMS += bench/bench_relation
VNFO_BENCHMARKS += bench/bench_relation
bench_bench_relation_SOURCES = bench/bench_relation.c
bench_bench_relation_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS) -I$(top_srcdir)/bench
bench_bench_relation_CFLAGS = $(BENCH_CFLAGS)
bench_bench_relation_LDADD = $(SIM_LIBS) $(BENCH_LIBS) $(SODIUM_LIBS)

# The relations over every real capture (VNFO_PCAP_DIR), for ASan.
if HAVE_CHECK
if BUILD_CLI
check_PROGRAMS += tests/check_relation_pcaps
tests_check_relation_pcaps_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_check_relation_pcaps_CFLAGS = $(TEST_CFLAGS) $(PCAP_CFLAGS)
tests_check_relation_pcaps_LDADD = $(SIM_LIBS) $(TEST_LIBS) $(PCAP_LIBS)
endif
endif
