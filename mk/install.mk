# install: `make install prefix=DIR` (or exec_prefix=, libdir=, includedir=
# on the make command line) installs a vnfo.pc that names those directories.
# configure writes vnfo.pc with the prefix it was given, so the installed
# copy gets its directory variables set again here, from the values make
# installs with; pkg-config users (the Python bindings) then find the
# headers and the library where they really are.
install-data-hook: install-data-vnfo-pc
install-data-vnfo-pc:
	$(AM_V_GEN)sed -e 's|^prefix=.*|prefix=$(prefix)|' \
	    -e 's|^exec_prefix=.*|exec_prefix=$(exec_prefix)|' \
	    -e 's|^libdir=.*|libdir=$(libdir)|' \
	    -e 's|^includedir=.*|includedir=$(includedir)|' \
	    vnfo.pc >"$(DESTDIR)$(pkgconfigdir)/vnfo.pc.tmp" && \
	mv -f "$(DESTDIR)$(pkgconfigdir)/vnfo.pc.tmp" "$(DESTDIR)$(pkgconfigdir)/vnfo.pc"
.PHONY: install-data-vnfo-pc
