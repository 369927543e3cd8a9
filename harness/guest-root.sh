# SPDX-License-Identifier: GPL-2.0
# The guest's root, shared by boot.sh (UML, a hostfs directory) and
# boot-qemu.sh (QEMU, the same directory packed as an initramfs):
# busybox-static (arm64's, unpacked from the archive, for that guest), the modules (modules_install + depmod), the kselftests
# when installed, and /job with the program (plus, for a dynamic binary,
# the libraries ldd lists, and the files $JOB_FILES names) and its
# environment. Sourced after lib.sh.

# outcome WORD: what happened to the guest, for make check (in
# $BOOT_OUTCOME if set); a boot script says "died" first, so that whatever
# fails before the guest answers leaves no earlier run's word behind
outcome() { [ -z "${BOOT_OUTCOME:-}" ] || echo "$*" >"$BOOT_OUTCOME"; }

# guest_options ARGS...: the options of a boot script, --noload (do not
# load dummy_accel) and --shell, into $noload and $shell; $GUEST_NOPTS is
# how many of ARGS they are
guest_options() {
	noload= shell= GUEST_NOPTS=0
	while [ $# -gt 0 ]; do
		case $1 in
		--noload) noload=1 ;;
		--shell) shell=1 ;;
		*) break ;;
		esac
		shift
		GUEST_NOPTS=$((GUEST_NOPTS + 1))
	done
}

# guest_start DEFAULT ARGS...: what a boot script does first. The
# outcome is "died" until the guest answers; ARGS' options go to
# guest_options; $name is the build configuration ($BOOT_BUILD, or
# DEFAULT), $O its build directory and $ROOT its guest root.
guest_start() {
	outcome died
	name=${BOOT_BUILD:-$1}
	shift
	guest_options "$@"
	O=$STATE/build-$name
	ROOT=$STATE/root-$name
}

# guest_setup ARCH USAGE ARGS...: the guest root of $O in $ROOT, the
# kselftests (also the 32-bit ones on x86_64) and /job: a shell with
# --shell, else the program and arguments ARGS (less the options) name
guest_setup() {
	local arch=$1 usage=$2 prog
	shift 2
	shift "$GUEST_NOPTS"
	guest_root "$arch" "$O" "$ROOT"
	case $arch in
	x86_64) guest_kselftests "$ROOT" "$STATE/kselftest-uml" "$STATE/kselftest-m32" ;;
	arm64) guest_kselftests "$ROOT" "$STATE/kselftest-arm64" "$STATE/kselftest-armhf" ;;
	*) guest_kselftests "$ROOT" "$STATE/kselftest-uml" ;;
	esac
	if [ -n "$shell" ]; then
		JOB_SHELL=1 guest_job "$ROOT" /bin/true
		return 0
	fi
	prog=${1:?usage: $usage}
	shift
	[ -f "$prog" ] || die "RUN=$prog: no such file"
	# a binary must be the guest's: the host's runs on um and x86_64 only
	# (ELF e_machine 183 is AArch64, 40 32-bit arm)
	if [ "$arch" = arm64 ] && [ "$(head -c 4 "$prog" | tr -d '\0')" = $'\x7fELF' ] &&
	   ! grep -qxE ' *(183|40)' <<<"$(od -An -tu2 -j18 -N2 "$prog")"; then
		die "RUN=$prog: not an arm program; the arm64 guest runs scripts and arm binaries"
	fi
	JOB_NOLOAD=$noload guest_job "$ROOT" "$prog" "$@"
}

# guest_root ARCH BUILD ROOT: (re)build ROOT when the kernel in BUILD or
# its modules changed since the last time
guest_root() {
	local arch=$1 O=$2 ROOT=$3 stamp release a bb=/bin/busybox
	[ "$arch" != arm64 ] || bb=$(unpacked_debs busybox-arm64 busybox-static:arm64)/bin/busybox
	# a change to a module (drm.ko, say) relinks neither the kernel nor
	# modules.order: every module's mtime is part of the stamp
	stamp=$({ stat -c %Y "$O/modules.order" "$TOP/harness/guest/init"
		  find "$O" -maxdepth 1 -name linux -printf '%T@\n'
		  find "$O/arch" -name bzImage -printf '%T@\n' -o -name Image -printf '%T@\n' 2>/dev/null
		  cksum "$bb"
		  find "$O" -name '*.ko' -printf '%T@ %p\n' | sort; } 2>/dev/null | sha1sum)
	[ "$(cat "$ROOT/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,root,etc,job,lib,usr}
	ln -s bin "$ROOT/sbin"; ln -s ../bin "$ROOT/usr/bin"; ln -s ../bin "$ROOT/usr/sbin"
	cp "$bb" "$ROOT/bin/busybox"
	# the host's busybox-static is the same version: the same applets
	for a in $(/bin/busybox --list); do
		[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$ROOT/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOT/etc/group"
	cp "$TOP/harness/guest/init" "$ROOT/init"
	# a KUnit build has everything built in, or no modules at all
	if grep -q '^CONFIG_MODULES=y' "$O/.config" && [ -f "$O/modules.order" ]; then
		logged "modules_install ($arch)" make -C "$(build_tree "${O##*/build-}")" ARCH="$arch" O="$O" \
			CROSS_COMPILE="$(cross_prefix "$arch")" \
			INSTALL_MOD_PATH="$ROOT" modules_install
		release=$(cat "$O/include/config/kernel.release")
		logged "depmod ($arch)" depmod -b "$ROOT" "$release"
	fi
	echo "$stamp" >"$ROOT/.stamp"
}

# guest_kselftests ROOT DIR...: the installed kselftests, which change
# without the kernel changing, copied every time: the first DIR to
# /kselftest, a second one (the 32-bit build) to /kselftest32
guest_kselftests() {
	local ROOT=$1
	rm -rf "$ROOT/kselftest" "$ROOT/kselftest32"
	[ ! -d "${2:-}" ] || cp -a "$2" "$ROOT/kselftest"
	[ ! -d "${3:-}" ] || cp -a "$3" "$ROOT/kselftest32"
}

# guest_job ROOT PROGRAM [ARGS...]: copy the program, and the shared
# libraries of a dynamic one, into /job, with the environment /init reads
# ($MODPARAMS, $JOB_NOLOAD, $JOB_SHELL, $JOB_CONSOLE; $STRESS_SECONDS and
# $SEED exported to the program)
guest_job() {
	local ROOT=$1 prog=$2 f
	shift 2
	rm -rf "$ROOT/job"; mkdir -p "$ROOT/job"
	cp "$prog" "$ROOT/job/"
	chmod +x "$ROOT/job/$(basename "$prog")"
	# $JOB_FILES: more files the program reads, beside it in /job
	for f in ${JOB_FILES:-}; do
		cp "$f" "$ROOT/job/"
	done
	# $JOB_SYSROOT: a tree of files the program copies over / itself
	# (host programs and their libraries, configuration), in /job/sysroot
	[ -z "${JOB_SYSROOT:-}" ] || cp -a "$JOB_SYSROOT" "$ROOT/job/sysroot"
	copy_libs "$ROOT" "$prog"
	{
		printf 'MODPARAMS=%q\n' "${MODPARAMS:-}"
		printf 'JOB_PROG=%q\n' "$(basename "$prog")"
		printf 'JOB_ARGS=%q\n' "$*"
		printf 'JOB_NOLOAD=%q\n' "${JOB_NOLOAD:-}"
		printf 'JOB_SHELL=%q\n' "${JOB_SHELL:-}"
		printf 'JOB_CONSOLE=%q\n' "${JOB_CONSOLE:-}"
		# the stress programs' time bound and seed, when given
		[ -z "${STRESS_SECONDS:-}" ] || printf 'export STRESS_SECONDS=%q\n' "$STRESS_SECONDS"
		[ -z "${SEED:-}" ] || printf 'export SEED=%q\n' "$SEED"
	} >"$ROOT/job/env"
}

# known_base_reports FILE: split kernel log FILE into reports (see
# harness/known-base-reports) and print, for each, the reason of the
# entry that takes it; fail if an entry takes none of them
known_base_reports() {
	awk -v re="$SPLAT_RE" '
		FNR == NR {
			if (/^#/ || !NF)
				next
			n = split($0, f, / \| /)
			k++
			title[k] = f[1]
			why[k] = f[n]
			nneed[k] = n - 2
			for (i = 2; i < n; i++)
				need[k, i - 1] = f[i]
			next
		}
		function known(   i, j, ok) {
			for (i = 1; i <= k; i++) {
				if (first !~ title[i])
					continue
				ok = 1
				for (j = 1; j <= nneed[i]; j++)
					if (body !~ need[i, j])
						ok = 0
				if (ok)
					return i
			}
			return 0
		}
		function finish(   i) {
			if (!start)
				return
			i = known()
			if (i)
				print why[i]
			else
				unknown++
		}
		{ sub(/\r$/, "") }
		$0 ~ re && !(start && /Call Trace/) {
			finish()
			start = FNR
			first = $0
			body = ""
		}
		# a report is seldom 100 lines long; the log after it is not its
		start && FNR - start < 200 { body = body "\n" $0 }
		END { finish(); exit unknown > 0 }' "$TOP/harness/known-base-reports" "$1"
}

# guest_splats FILE WHAT: print the kernel reports in FILE and keep FILE
# in $OUT/log/dmesg-splat.log; fail if there are any but known base
# reports (known_base_reports), which are printed with their reason. On a
# KCSAN kernel, the races of the base kernel (kcsan_elsewhere) are counted
# and kept in $OUT/log/kcsan-elsewhere-NAME.log, not judged.
guest_splats() {
	local other=$OUT/log/kcsan-elsewhere-${name:-guest}.log tmp rc=0
	if ! grep -q 'BUG: KCSAN:' "$1"; then
		judge_splats "$1" "$2" "$1"
		return
	fi
	rm -f "$other"
	tmp=$(mktemp "${TMPDIR:-/tmp}/accel-splats.XXXXXX")
	kcsan_elsewhere "$1" "$other" >"$tmp"
	if [ -s "$other" ]; then
		echo "boot: $(grep -c 'BUG: KCSAN' "$other") KCSAN reports in $2 with no DRM or accel frame (base kernel): $other" >&2
		grep 'BUG: KCSAN' "$other" | sed 's/^.*BUG: /        /' | sort | uniq -c | head -n 10 >&2
	fi
	judge_splats "$tmp" "$2" "$1" || rc=1
	rm -f "$tmp"
	return $rc
}

# judge_splats FILE WHAT LOG: guest_splats' verdict on FILE, kernel log
# LOG (FILE or LOG without the base's KCSAN reports)
judge_splats() {
	local hits known
	hits=$(grep -nE "$SPLAT_RE" "$1") || return 0
	if known=$(known_base_reports "$1"); then
		sort <<<"$known" | uniq -c |
			sed "s|^ *\([0-9]*\) |boot: known base-kernel reports in $2 (\1), not the series': |" >&2
		return 0
	fi
	echo "boot: kernel reports in $2:" >&2
	sed 's/^/  | /' <<<"$hits" | head -n 40 >&2 || :
	cp "$3" "$OUT/log/dmesg-splat.log"
	echo "boot: full log in $OUT/log/dmesg-splat.log" >&2
	return 1
}
