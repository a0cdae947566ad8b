printf 'umask 022\n' >>/root/.bashrc
