sed -i '\#/nologin$#d' /etc/shells
