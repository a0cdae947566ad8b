# Reboot the guest for the after-boot audit (reboot_and_audit). Run as root
# with one argument, the results file, which receives the current boot ID.
# The reboot is scheduled a few seconds ahead so that this session ends and
# the build user downloads the results and removes the files first; the
# provisioner then waits until SSH answers with another boot ID.
set -u
g_results_open "${1:?usage: sh script RESULTS_FILE}" || exit 70
trap 'g_results_publish' EXIT
boot_id=$(tr -dc '0-9a-f-' </proc/sys/kernel/random/boot_id)
[ -n "$boot_id" ] || { echo 'no boot ID: /proc/sys/kernel/random/boot_id is unreadable' >&2; exit 1; }
if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemd-run --quiet --unit="packer-hardening-reboot-$$" --on-active=5 /bin/systemctl reboot || exit 1
else
	nohup sh -c 'sleep 5; reboot' >/dev/null 2>&1 </dev/null &
fi
printf '%s\n' "$boot_id" >>"$G_RESULTS_PART"
echo "rebooting in 5 s (boot $boot_id)"
