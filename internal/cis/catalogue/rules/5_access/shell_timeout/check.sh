_l=$(grep -hEs '^[^#]*TMOUT=[0-9]+' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc)
_v=$(echo "$_l" | grep -Eo 'TMOUT=[0-9]+' | cut -d= -f2 | sort -n | tail -1)
h_say "TMOUT: ${_v:-not set}"
[ -n "$_v" ] && [ "$_v" -ge 1 ] && [ "$_v" -le "$P_shell_timeout" ] || return 1
grep -Eqs '^[^#]*readonly[[:space:]]+TMOUT' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc && grep -Eqs '^[^#]*export[[:space:]]+TMOUT' /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc || return 1
# Scanners (OpenSCAP's CIS content) look for bash's one-line form too.
grep -Eqs '^[[:space:]]*(typeset|declare)[[:space:]]+-xr[[:space:]]+TMOUT=[0-9]+' /etc/profile /etc/profile.d/*.sh && return 0
h_say "no 'declare -xr TMOUT=N' in /etc/profile or /etc/profile.d (the form scanners look for)"; return 1
