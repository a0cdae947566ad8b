h_has sudo || return 2
_n=$(grep -HEs '^[^#]*NOPASSWD' /etc/sudoers /etc/sudoers.d/* | cut -d: -f1 | sort -u | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no NOPASSWD rule'; return 0; }
h_say "NOPASSWD rules in: $_n"; return 1
