[ -e /etc/issue ] || printf 'Authorised use only.\n' >/etc/issue
chmod 0666 "$(readlink -f /etc/issue)"
