cat >/etc/profile.d/50-hardening-tmout.sh <<-EOF
	# Written by packer-plugin-hardening: idle interactive shells end.
	if ! readonly -p 2>/dev/null | grep -q TMOUT; then
	TMOUT=$P_shell_timeout
	readonly TMOUT
	export TMOUT
	fi
	EOF
chmod 0644 /etc/profile.d/50-hardening-tmout.sh; h_say "TMOUT=$P_shell_timeout in /etc/profile.d/50-hardening-tmout.sh"
