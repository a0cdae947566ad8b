_m=0
for _f in /etc/security/opasswd /etc/security/opasswd.old; do file_mode $_f 0600 root root || _m=1; done
return $_m
