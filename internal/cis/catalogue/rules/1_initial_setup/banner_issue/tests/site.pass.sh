printf 'Authorised use only.\n' >/etc/issue
