# Prints GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, one per line, as
# update-grub computes them from /etc/default/grub and its grub.d drop-ins
# (hardening writes AppArmor's words to one). Runs in the image's chroot.
GRUB_CMDLINE_LINUX=
GRUB_CMDLINE_LINUX_DEFAULT=
if [ -f /etc/default/grub ]; then
	# shellcheck source=/dev/null # the image's own GRUB defaults
	. /etc/default/grub
fi
for _f in /etc/default/grub.d/*.cfg; do
	if [ -f "$_f" ]; then
		# shellcheck source=/dev/null # the image's own GRUB drop-ins
		. "$_f"
	fi
done
printf '%s\n%s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
