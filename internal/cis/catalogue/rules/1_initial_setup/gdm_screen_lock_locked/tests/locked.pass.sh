# Set and locked.
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
printf '[org/gnome/desktop/session]\nidle-delay=uint32 300\n[org/gnome/desktop/screensaver]\nlock-delay=uint32 0\n' >/etc/dconf/db/local.d/00-test
printf '/org/gnome/desktop/session/idle-delay\n/org/gnome/desktop/screensaver/lock-delay\n' >/etc/dconf/db/local.d/locks/00-test
dconf update
