# root's login shell reads /etc/profile and ~/.profile; run one (without su,
# whose PAM session is slow in a chroot) to see the PATH it ends up with.
_sh=$(awk -F: '$1 == "root" { print $7 }' /etc/passwd); [ -x "$_sh" ] || _sh=/bin/sh
# shellcheck disable=SC2016 # $PATH is for the login shell to expand
_path=$(cd /root && env -i HOME=/root USER=root LOGNAME=root SHELL="$_sh" "$_sh" -l -c 'printf %s "$PATH"' 2>/dev/null </dev/null)
h_say "root PATH: $_path"; _rc=0
case ":$_path:" in *::* | *:.:*) h_say 'empty or . entry'; _rc=1 ;; esac
_IFS=$IFS; IFS=:
for _d in $_path; do
	[ -n "$_d" ] || continue
	if [ ! -d "$_d" ]; then h_say "$_d: not a directory"; continue; fi
	[ "$(stat -Lc %u "$_d")" = 0 ] || { h_say "$_d: not owned by root"; _rc=1; }
	[ $((0$(stat -Lc %a "$_d") & 022)) = 0 ] || { h_say "$_d: group or world writable"; _rc=1; }
done
IFS=$_IFS; return $_rc
