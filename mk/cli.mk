# The vnfo command-line tool (needs libpcap).
if BUILD_CLI
bin_PROGRAMS += tools/vnfo
tools_vnfo_SOURCES = tools/vnfo.c tools/cli.h tools/cli_input.c tools/cli_input.h src/common/quote.c
tools_vnfo_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(SODIUM_CFLAGS)
tools_vnfo_LDADD = libvnfo.la $(PCAP_LIBS) $(SODIUM_LIBS) -lm
endif
