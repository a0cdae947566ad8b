printf 'x\n' >/etc/rt-world-writable
chmod 0666 /etc/rt-world-writable
mkdir -p /srv/rt-shared && chmod 0777 /srv/rt-shared
