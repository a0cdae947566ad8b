# Results protocol shared by every script the plugin runs in a guest: the
# script is run as root (directly or through sudo) with one argument, the
# results file, which the build user then downloads and removes.
#
# The results are written to a new root-owned file beside the final name and
# renamed onto it only when the script ends, after being handed to the sudo
# user. Nothing is ever opened for writing once it belongs to another user:
# under fs.protected_regular (1 or 2 on every systemd-booted guest) an
# O_CREAT open of another user's file in a sticky world-writable folder such
# as /var/tmp is refused, even to root. mktemp creates the file exclusively
# and rename does not follow links, so a planted symlink at the results path
# cannot redirect a root write either.

# g_results_open FILE: sets G_RESULTS_PART, the file to append results to.
g_results_open() {
	G_RESULTS=$1
	G_RESULTS_PART=$(umask 077 && mktemp "$1.part.XXXXXX") || {
		printf 'cannot create a results file beside %s\n' "$1" >&2
		return 1
	}
}

# g_results_publish hands the results to the sudo user and moves them to
# the results path; it runs once, from the script's exit path.
g_results_publish() {
	[ -n "${G_RESULTS_PART:-}" ] || return 0
	_g_part=$G_RESULTS_PART
	G_RESULTS_PART=
	if [ -n "${SUDO_UID:-}" ]; then
		chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$_g_part" ||
			printf 'cannot hand %s to uid %s\n' "$_g_part" "$SUDO_UID" >&2
	fi
	mv -f "$_g_part" "$G_RESULTS" || {
		printf 'cannot move the results to %s\n' "$G_RESULTS" >&2
		return 1
	}
}
