# Set, but users can change it back.
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
printf '[org/gnome/desktop/session]\nidle-delay=uint32 300\n[org/gnome/desktop/screensaver]\nlock-delay=uint32 0\n' >/etc/dconf/db/local.d/00-test
dconf update
