printf 'rt-nogroup:x:4243:4243::/nonexistent:/usr/sbin/nologin\n' >>/etc/passwd
