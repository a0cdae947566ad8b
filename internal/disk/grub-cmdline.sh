# Prints GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, one per line, as
# update-grub computes them from /etc/default/grub and its grub.d drop-ins
# (hardening writes AppArmor's words to one). Runs in the image's chroot.
GRUB_CMDLINE_LINUX=
GRUB_CMDLINE_LINUX_DEFAULT=
if [ -f /etc/default/grub ]; then
	. /etc/default/grub
fi
for _f in /etc/default/grub.d/*.cfg; do
	if [ -f "$_f" ]; then
		. "$_f"
	fi
done
printf '%s\n%s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
