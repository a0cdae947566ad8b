[ -e /etc/issue.net ] || printf 'Authorised use only.\n' >/etc/issue.net
chmod 0666 "$(readlink -f /etc/issue.net)"
