# Set and locked (the whole folder).
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
printf '[org/gnome/desktop/media-handling]\nautorun-never=true\n' >/etc/dconf/db/local.d/00-test
printf '/org/gnome/desktop/media-handling/\n' >/etc/dconf/db/local.d/locks/00-test
dconf update
