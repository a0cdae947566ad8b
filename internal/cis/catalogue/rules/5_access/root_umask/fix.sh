for _f in /root/.bash_profile /root/.bashrc /root/.profile; do [ -f "$_f" ] && sed -i -E 's/^([[:space:]]*umask[[:space:]]+)[0-7]+/\10027/' "$_f"; done
grep -Eq '^[[:space:]]*umask' /root/.bashrc 2>/dev/null || printf 'umask 0027\n' >>/root/.bashrc
h_say 'root umask 0027 in /root/.bashrc'
