[ -e /etc/motd ] || printf 'Authorised use only.\n' >/etc/motd
chmod 0644 "$(readlink -f /etc/motd)"
chown root:root "$(readlink -f /etc/motd)"
