kv_set /etc/login.defs UMASK 022 '		' >/dev/null
printf 'umask 022\n' >/etc/profile.d/50-test.sh
