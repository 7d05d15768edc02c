# tap: a bump-in-the-wire shim for black-box functions (pure; capture I/O is in tools/).
noinst_PROGRAMS =
libvnfo_la_SOURCES += src/tap/tap.c
vnfoinclude_HEADERS += include/vnfo/tap.h

if HAVE_CHECK
check_PROGRAMS += tests/check_tap
tests_check_tap_CFLAGS = $(TEST_CFLAGS)
tests_check_tap_LDADD = $(TEST_LIBS)
endif

if BUILD_CLI
tools_vnfo_SOURCES += tools/cmd_tap.c tools/tap_capture.c tools/tap_capture.h
endif

# tests/tap_chain plays a chain of black boxes (reference functions) and
# writes what taps beside them would capture; tests/tap_cli.sh runs `vnfo tap`
# on those captures and `vnfo verify` on the logs, honest and cheating.
if BUILD_CLI
noinst_PROGRAMS += tests/tap_chain
tests_tap_chain_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
tests_tap_chain_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)
tests_tap_chain_LDADD = $(SIM_LIBS) libvnfo.la $(PCAP_LIBS) $(SODIUM_LIBS)
TESTS += tests/tap_cli.sh
endif
EXTRA_DIST += tests/tap_cli.sh

# An appliance that links the library (NFQUEUE IDS), and the lab that runs
# the kernel's firewall and NAT and this appliance as the provider's chain.
if BUILD_APPLIANCE
noinst_PROGRAMS += examples/appliance/ids_nfq
examples_appliance_ids_nfq_CPPFLAGS = $(AM_CPPFLAGS) $(SIM_CPPFLAGS)
examples_appliance_ids_nfq_CFLAGS = $(AM_CFLAGS) $(NFQ_CFLAGS) $(SODIUM_CFLAGS)
examples_appliance_ids_nfq_LDADD = $(SIM_LIBS) libvnfo.la $(NFQ_LIBS) $(SODIUM_LIBS)
endif
TESTS += tests/lab.sh
EXTRA_DIST += tests/lab.sh examples/lab

EXTRA_PROGRAMS += bench/bench_tap
VNFO_BENCHMARKS += bench/bench_tap
bench_bench_tap_CFLAGS = $(BENCH_CFLAGS)
bench_bench_tap_LDADD = $(BENCH_LIBS)

# The live tap beside a bare libpcap loop on a veth pair (bench/tap_live.sh,
# root only); pcap_count is that bare loop, veth_blast the traffic generator.
if BUILD_CLI
EXTRA_PROGRAMS += bench/pcap_count
VNFO_BENCH_TOOLS += bench/pcap_count bench/veth_blast
# veth_blast also drives tests/tap_live.sh (a live tap on a bridge, root
# only), so it is built with the CLI (a check program would run as a test).
noinst_PROGRAMS += bench/veth_blast
bench_veth_blast_CFLAGS = $(BENCH_CFLAGS)
TESTS += tests/tap_live.sh
VNFO_BENCH_RUNS += bench/tap_live.sh
bench_pcap_count_CFLAGS = $(BENCH_CFLAGS) $(PCAP_CFLAGS)
bench_pcap_count_LDADD = $(PCAP_LIBS)
endif
EXTRA_DIST += bench/tap_live.sh tests/tap_live.sh
