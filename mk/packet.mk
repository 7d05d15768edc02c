# packet: bounded parsing, field sets, flow keys, packet digests.
libvnfo_la_SOURCES += src/packet/parse.c src/packet/fields.c src/packet/digest.c \
	src/packet/packet_internal.h src/packet/parse_core.h \
	src/packet/fields_core.h
vnfoinclude_HEADERS += include/vnfo/packet.h

# Synthetic traffic and a pcap writer shared by tests, benchmarks and the CLI
# (not installed; see tools/traffic.h).
noinst_LTLIBRARIES += tools/libvnfo_traffic.la
tools_libvnfo_traffic_la_SOURCES = tools/traffic.c tools/traffic.h
TRAFFIC_CFLAGS = -I$(top_srcdir)/tools
TRAFFIC_LIBS = tools/libvnfo_traffic.la

if HAVE_CHECK
check_PROGRAMS += tests/check_packet
tests_check_packet_CFLAGS = $(TEST_CFLAGS) $(TRAFFIC_CFLAGS)
tests_check_packet_LDADD = $(TRAFFIC_LIBS) $(TEST_LIBS)
endif
