printf 'umask 077\n' >>/root/.profile
