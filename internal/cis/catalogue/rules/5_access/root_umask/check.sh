_rc=1
for _f in /root/.bash_profile /root/.bashrc /root/.profile; do
	[ -f "$_f" ] || continue
	_ms=$(awk '$1 == "umask" { print $2 }' "$_f")
	for _m in $_ms; do
		h_say "$_f: umask $_m"
		if [ $((0$_m & 027)) = $((027)) ]; then _rc=0; else h_say "$_f: umask $_m is weaker than 027"; return 1; fi
	done
done
[ $_rc = 0 ] || h_say 'no umask in root dot files'; return $_rc
