[ -e /etc/issue.net ] || printf 'Authorised use only.\n' >/etc/issue.net
chmod 0644 "$(readlink -f /etc/issue.net)"
chown root:root "$(readlink -f /etc/issue.net)"
