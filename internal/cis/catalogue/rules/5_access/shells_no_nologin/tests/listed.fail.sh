printf '/usr/sbin/nologin\n' >>/etc/shells
