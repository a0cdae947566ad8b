kv_set /etc/login.defs UMASK "$P_umask_default" '		'
for _f in /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc; do [ -f "$_f" ] && sed -i -E "s/^([[:space:]]*umask[[:space:]]+)[0-7]+/\1$P_umask_default/" "$_f"; done
printf '# Written by packer-plugin-hardening.\numask %s\n' "$P_umask_default" >/etc/profile.d/50-hardening-umask.sh
if [ -f /etc/bash.bashrc ] && ! grep -Eq '^[[:space:]]*umask[[:space:]]' /etc/bash.bashrc; then printf 'umask %s\n' "$P_umask_default" >>/etc/bash.bashrc; fi
chmod 0644 /etc/profile.d/50-hardening-umask.sh
