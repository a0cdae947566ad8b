# No remediation: it is reported.
printf 'rt-dup:x:0:65534::/nonexistent:/usr/sbin/nologin\n' >>/etc/passwd
