[ -e /etc/motd ] || printf 'Authorised use only.\n' >/etc/motd
chmod 0666 "$(readlink -f /etc/motd)"
