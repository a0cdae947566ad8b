# TMOUT set (or made readonly) elsewhere could win over ours: ours is the
# only one left.
for _f in /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc; do
	case $_f in /etc/profile.d/50-hardening-tmout.sh) continue ;; esac
	[ -f "$_f" ] || continue
	grep -Eq '^[^#]*\bTMOUT\b' "$_f" || continue
	sed -i -E '/^[^#]*\bTMOUT\b/s/^/# /' "$_f" && h_say "commented out TMOUT in $_f"
done
# bash gets the one-line form scanners look for; other sh (dash has no
# declare) the POSIX one that CIS's audit reads.
cat >/etc/profile.d/50-hardening-tmout.sh <<-EOF
	# Written by packer-plugin-hardening: idle interactive shells end.
	if ! readonly -p 2>/dev/null | grep -q TMOUT; then
	if [ -n "\${BASH_VERSION:-}" ]; then
	declare -xr TMOUT=$P_shell_timeout
	else
	TMOUT=$P_shell_timeout
	readonly TMOUT
	export TMOUT
	fi
	fi
	EOF
chmod 0644 /etc/profile.d/50-hardening-tmout.sh; h_say "TMOUT=$P_shell_timeout in /etc/profile.d/50-hardening-tmout.sh"
