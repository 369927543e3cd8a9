#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the x86_64 guest, with /job/sysroot from udev_sysroot (lib.sh):
# Debian 12's own systemd-udevd with its rules, the systemd package's
# seat rules and the repository's udev/70-accel.rules, then the
# kselftests that need no privilege run by a user in group render. TAP
# on stdout for the host to count (layer "udev"); the kselftests between
# "=== PROGRAM" lines as kselftests.sh prints them. Exit non-zero if
# anything failed.
#
# Users: "accel" (uid 1000) in group render, "outsider" (uid 1001) not;
# setpriv drops every capability with root's uid.
RENDER=989
n=0 rc=0
# check NAME COMMAND...: one TAP result, ok when COMMAND succeeds
check() {
	name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		rc=1
	fi
}

cp -a /job/sysroot/. / || { echo "not ok 1 no /job/sysroot (JOB_SYSROOT)"; exit 1; }
# udevadm; util-linux's setpriv by its path (busybox's sh prefers its own
# applet, which cannot change ids)
export PATH=/usr/local/bin:$PATH
cat >>/etc/group <<EOF
render:x:$RENDER:accel
accel:x:1000:
outsider:x:1001:
EOF
cat >>/etc/passwd <<EOF
accel:x:1000:1000:accel user:/tmp:/bin/sh
outsider:x:1001:1001:outsider:/tmp:/bin/sh
EOF
mkdir -p /run
mount -t tmpfs -o mode=0755 tmpfs /run

# as_render CMD...: CMD as "accel", in group render, with no capability
as_render() {
	/usr/local/bin/setpriv --reuid=1000 --regid=1000 --groups=$RENDER \
		--inh-caps=-all --bounding-set=-all "$@"
}

# node_is N: /dev/accel/accelN is a char device of group render, 0660,
# tagged uaccess in udev's database, and seat by systemd's 71-seat.rules,
# which acts on the uaccess tag (Documentation/accel/admin-guide.rst)
node_is() {
	f=/dev/accel/accel$1
	[ -c "$f" ] || { echo "# $f: no char device"; return 1; }
	got=$(stat -c '%g %a' "$f")
	[ "$got" = "$RENDER 660" ] || { echo "# $f: gid and mode $got, want $RENDER 660"; return 1; }
	tags=$(udevadm info --query=property "$f" | grep '^TAGS=')
	echo "# $f: $tags"
	case $tags in *:uaccess:*) ;; *) echo "# $f: no uaccess tag"; return 1 ;; esac
	case $tags in *:seat:*) ;; *) echo "# $f: no seat tag"; return 1 ;; esac
}

echo "# systemd-udevd $(udevadm --version), rules: $(ls /lib/udev/rules.d | wc -l) of Debian's, and $(ls /etc/udev/rules.d)"
check "udevd starts (Debian 12's udev, its rules and systemd's seat rules, 70-accel.rules)" /lib/systemd/systemd-udevd --daemon
# the node of dummy_accel, loaded before udevd, through the replay of
# its add event
check "udevadm trigger --subsystem-match=accel and settle" \
	sh -c 'udevadm trigger --action=add --subsystem-match=accel && udevadm settle --timeout=120'
check "accel0 present at udevd's start: group render, mode 0660, tags uaccess and seat" node_is 0
# reload_dummy [PARAM...]: dummy_accel unloaded, loaded with PARAMs,
# and udevd done with the events
reload_dummy() {
	rmmod dummy_accel && modprobe dummy_accel "$@" && udevadm settle --timeout=120
}
# and devices added while udevd runs, through the kernel's own uevents
check "dummy_accel reloaded with num_devices=2, settle" reload_dummy num_devices=2
check "accel0 added while udevd runs: group render, mode 0660, tags uaccess and seat" node_is 0
check "accel1 added while udevd runs: group render, mode 0660, tags uaccess and seat" node_is 1
# the rule installed while udevd runs, as make install-udev and the
# admin guide do it: first the nodes as udevd leaves them without it
rule_removed() {
	mv /etc/udev/rules.d/70-accel.rules /tmp/ && udevadm control --reload &&
		reload_dummy num_devices=2 || return 1
	got=$(stat -c '%g %a' /dev/accel/accel0)
	echo "# without the rule: gid and mode $got"
	[ "$got" = "0 600" ]
}
check "without 70-accel.rules, udevd leaves accel0 root's, mode 0600" rule_removed
rule_installed() {
	mv /tmp/70-accel.rules /etc/udev/rules.d/ && udevadm control --reload &&
		udevadm trigger --action=change --subsystem-match=accel &&
		udevadm settle --timeout=120
}
check "70-accel.rules installed: reload, trigger --action=change, settle" rule_installed
check "accel0 after its change event: group render, mode 0660, tags uaccess and seat" node_is 0
check "accel1 after its change event: group render, mode 0660, tags uaccess and seat" node_is 1
caps_none() {
	as_render cat /proc/self/status | grep -q '^CapEff:.0000000000000000$'
}
check "the render user has no capability" caps_none
# busybox sh reports the open's error: EACCES is "Permission denied"
outsider_open() {
	out=$(/usr/local/bin/setpriv --reuid=1001 --regid=1001 --clear-groups sh -c 'exec 3<>/dev/accel/accel0' 2>&1)
	echo "# outsider: $out"
	case $out in *"Permission denied"*) return 0 ;; esac
	return 1
}
check "a user outside group render: open fails with EACCES" outsider_open
render_open() {
	as_render sh -c 'exec 3<>/dev/accel/accel0 && exec 4<>/dev/accel/accel1'
}
check "a user in group render opens accel0 and accel1" render_open

# the kselftests that need no privilege, as the render user: each test
# that needs root says so in its SKIP (harness/expected-skips lists them)
check "dummy_accel reloaded with its defaults, settle" reload_dummy
cd /kselftest/accel || exit 1
for t in accel_abi_test; do
	echo "=== $t"
	start=$(date +%s)
	as_render timeout 1800 "./$t" || rc=1
	echo "=== $t: $(($(date +%s) - start))s"
done
echo "1..$n"
exit $rc
