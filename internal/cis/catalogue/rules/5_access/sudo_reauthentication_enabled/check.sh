h_has sudo || return 2
_n=$(grep -HEs '^[^#]*!authenticate' /etc/sudoers /etc/sudoers.d/* | cut -d: -f1 | sort -u | tr '\n' ' ')
[ -z "$_n" ] && { h_say 'no !authenticate'; return 0; }
h_say "!authenticate in: $_n"; return 1
