printf 'x\n' >/var/log/rt.log
chmod 0666 /var/log/rt.log
chown 4242:4242 /var/log/rt.log
