[ -e /etc/issue ] || printf 'Authorised use only.\n' >/etc/issue
chmod 0644 "$(readlink -f /etc/issue)"
chown root:root "$(readlink -f /etc/issue)"
