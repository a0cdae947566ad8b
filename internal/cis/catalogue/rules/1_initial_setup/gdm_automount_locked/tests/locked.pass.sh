# Set and locked.
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
printf '[org/gnome/desktop/media-handling]\nautomount=false\nautomount-open=false\n' >/etc/dconf/db/local.d/00-test
printf '/org/gnome/desktop/media-handling/automount\n/org/gnome/desktop/media-handling/automount-open\n' >/etc/dconf/db/local.d/locks/00-test
dconf update
