# SPDX-License-Identifier: GPL-2.0
# The accel series: compose it onto Linux 6.1, build, boot and test it.
# See README.md. Everything generated goes to out/ or the cache directory
# (${XDG_CACHE_HOME:-~/.cache}/accel-series); set KERNEL_SRC=<dir> to use
# another 6.1 tree than Debian's linux-source-6.1.

SHELL := /bin/bash
H := harness
# ARCH on the command line picks the guest of make run, boot and shell:
# um (the default, fast), x86_64 or arm64 (QEMU, SMP); an ARCH of the shell's
# environment does not. The kernel makes the harness runs get their own
# ARCH: this one is neither exported nor passed on in MAKEFLAGS.
GUEST_ARCH := $(if $(filter command line,$(origin ARCH)),$(ARCH),um)
# KERNEL=debug on the command line boots the guest's debug kernel (KASAN,
# lockdep, kmemleak): UML's built-in kunit-debug kernel, or ARCH=x86_64 KERNEL=debug.
GUEST_KERNEL := $(if $(filter command line,$(origin KERNEL)),$(KERNEL),)
unexport ARCH KERNEL
MAKEOVERRIDES :=

.PHONY: help run check boot shell build kunit bench bench-base clean

help:
	@echo "make run [ARCH=x86_64|arm64]"
	@echo "            build, boot, show /dev/accel/accel0 working (UML, or x86_64 or arm64 SMP under QEMU)"
	@echo "make check   run every test; ends with 'N passed, N failed'"
	@echo "make matrix  the configurations distributions need and the slow test beds:"
	@echo "             DRM=y/m/n, DRM_ACCEL=n, Debian's config, allmodconfig, x86_64 debug guest, KCSAN, arm64 guest"
	@echo "make expected-results (expected-matrix)"
	@echo "             rewrite harness/expected-results (-matrix) from the last make check's (matrix's) results"
	@echo "make boot [ARCH=x86_64|arm64] [KERNEL=debug] RUN=<program> [MODPARAMS=...]"
	@echo "             run a program as root in the booted kernel (KERNEL=debug: KASAN, lockdep, kmemleak;"
	@echo "             arm64: a script or an arm program)"
	@echo "make shell [ARCH=x86_64|arm64]"
	@echo "            an interactive shell in the booted kernel"
	@echo "make kunit   the KUnit suites (kunit.py --kunitconfig=drivers/accel)"
	@echo "make series  export the series to out/series/ (series-check: git am + build each)"
	@echo "make lint    checkpatch --strict, sparse, W=1, kernel-doc, uapi header test"
	@echo "make docs    make htmldocs SPHINXDIRS=accel"
	@echo "make abi     abidiff of drm.ko, base against series (Debian's config): the ABI change for distributions"
	@echo "make bench [ARCH=x86_64] [BENCH_BOOTS=3]"
	@echo "             what accel costs: accel_bench's table, ns per operation, in 3 boots"
	@echo "make bench-base [ARCH=x86_64] [BENCH_BOOTS=3]"
	@echo "             the reference: the same module built M= against the base alone, booted there"
	@echo "make mutants [MUTANTS=\"01 07\"]"
	@echo "             apply each bug of mutants/ and show which test catches it"
	@echo "make install-udev [DESTDIR=...] [UDEV_RULES_DIR=/lib/udev/rules.d]"
	@echo "             install udev/70-accel.rules (group render, 0660, uaccess) for a udev that predates accel"
	@echo "make clean   remove out/ (the cache stays)"

run:
	@GUEST_ARCH="$(GUEST_ARCH)" GUEST_KERNEL="$(GUEST_KERNEL)" $(H)/run.sh

check:
	@$(H)/check.sh

boot:
	@GUEST_ARCH="$(GUEST_ARCH)" GUEST_KERNEL="$(GUEST_KERNEL)" RUN="$(RUN)" MODPARAMS="$(MODPARAMS)" $(H)/boot-cmd.sh

shell:
	@GUEST_ARCH="$(GUEST_ARCH)" GUEST_KERNEL="$(GUEST_KERNEL)" MODPARAMS="$(MODPARAMS)" $(H)/boot-cmd.sh --shell

kunit:
	@$(H)/kunit.sh

bench:
	@GUEST_ARCH="$(GUEST_ARCH)" BENCH_BOOTS="$(BENCH_BOOTS)" BENCH_PARAMS="$(BENCH_PARAMS)" $(H)/bench.sh

bench-base:
	@GUEST_ARCH="$(GUEST_ARCH)" BENCH_BOOTS="$(BENCH_BOOTS)" BENCH_PARAMS="$(BENCH_PARAMS)" $(H)/bench.sh --base

clean:
	rm -rf out

# For distributions whose udev predates accel (Debian 12's systemd 252):
# the rule newer udev has built in, then, on a running system, the nodes
# that exist already get it too.
UDEV_RULES_DIR ?= /etc/udev/rules.d
.PHONY: install-udev
install-udev:
	install -D -m 0644 udev/70-accel.rules $(DESTDIR)$(UDEV_RULES_DIR)/70-accel.rules
	@if [ -z "$(DESTDIR)" ] && [ -d /run/udev ] && command -v udevadm >/dev/null; then \
		echo "udevadm: reload the rules, send the accel devices a change event"; \
		udevadm control --reload && udevadm trigger --action=change --subsystem-match=accel && \
		udevadm settle; \
	fi

.PHONY: matrix series series-check lint docs mutants abi expected-results expected-matrix

matrix:
	@$(H)/matrix.sh

# the expected results by name, from the last complete make check (matrix)
expected-results:
	@$(H)/expected-results.sh

expected-matrix:
	@$(H)/expected-results.sh matrix


series:
	@$(H)/series.sh

series-check:
	@$(H)/series.sh --check

lint:
	@$(H)/lint.sh

docs:
	@$(H)/docs.sh

abi:
	@$(H)/abi.sh

mutants:
	@MUTANTS="$(MUTANTS)" $(H)/mutants.sh
