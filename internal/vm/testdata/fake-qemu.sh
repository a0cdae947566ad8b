#!/usr/bin/env bash
# fake-qemu.sh stands in for qemu-system-x86_64 in the unit tests. Under KVM
# it fails the way nested KVM does on some hosts (the message, then QEMU
# keeps running with the guest stopped) unless FAKE_QEMU_KVM_OK is set;
# otherwise it prints a kernel banner on the serial console (stdout) and
# runs. FAKE_QEMU_EXIT makes it exit at once like a bad command line.
# Each run appends its PID to $FAKE_QEMU_PIDS so tests can check that
# nothing is left running.
set -u
if [ -n "${FAKE_QEMU_PIDS:-}" ]; then
	echo $$ >>"$FAKE_QEMU_PIDS"
fi
if [ -n "${FAKE_QEMU_EXIT:-}" ]; then
	echo "qemu-system-x86_64: -drive if=none,id=disk0: Could not open 'overlay.qcow2'" >&2
	exit 1
fi
case " $* " in
*" -accel kvm "*)
	if [ -z "${FAKE_QEMU_KVM_OK:-}" ]; then
		printf 'KVM internal error. Suberror: 1\nextra data[0]: 0x000000000000000d\nemulation failure\n' >&2
		exec sleep 300
	fi
	;;
esac
printf 'BdsDxe: starting Boot0001\r\n[    0.000000] Linux version 6.1.0-28-cloud-amd64\r\n'
exec sleep 300
