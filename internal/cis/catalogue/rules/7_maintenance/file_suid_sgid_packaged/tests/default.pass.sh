[ ! -e /usr/local/bin/rt-suid ]
