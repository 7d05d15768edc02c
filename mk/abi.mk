# ABI check: compare the built library with the committed baseline
# abi/libvnfo.abi (libabigail).  An incompatible change fails; a compatible
# addition passes with a note.  After a deliberate break or a release:
# `make abi-baseline`, then record it in NEWS and bump the libtool version.
ABI_CURRENT = libvnfo.abi.current
ABIDW_FLAGS = --no-corpus-path --no-comp-dir-path --headers-dir $(top_srcdir)/include/vnfo \
	--drop-private-types
CLEANFILES += $(ABI_CURRENT)

check-abi: libvnfo.la
	@test -n "$(ABIDW)" || { echo "check-abi: abidw not found (install abigail-tools)"; exit 1; }
	$(AM_V_GEN)$(ABIDW) $(ABIDW_FLAGS) --out-file $(ABI_CURRENT) .libs/libvnfo.so
	@rc=0; $(ABIDIFF) --no-added-syms $(top_srcdir)/abi/libvnfo.abi $(ABI_CURRENT) || rc=$$?; \
	if [ $$((rc & 8)) -ne 0 ]; then echo "check-abi: INCOMPATIBLE ABI change against abi/libvnfo.abi"; exit 1; \
	elif [ $$((rc & 3)) -ne 0 ]; then echo "check-abi: abidiff failed ($$rc)"; exit 1; \
	elif [ $$((rc & 4)) -ne 0 ]; then echo "check-abi: compatible changes only (rc $$rc); refresh the baseline at release"; \
	else echo "check-abi: no incompatible change against abi/libvnfo.abi"; fi

abi-baseline: libvnfo.la
	$(AM_V_GEN)$(ABIDW) $(ABIDW_FLAGS) --out-file $(top_srcdir)/abi/libvnfo.abi .libs/libvnfo.so

.PHONY: check-abi abi-baseline
