kv_set /etc/login.defs UMASK 027 '		' >/dev/null
sed -i -E 's/^([[:space:]]*umask[[:space:]]+)[0-7]+/\1027/' /etc/profile /etc/bash.bashrc
printf 'umask 027\n' >/etc/profile.d/50-test.sh
