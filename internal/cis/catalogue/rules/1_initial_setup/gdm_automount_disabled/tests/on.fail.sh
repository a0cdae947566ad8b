# The administrator's database turns automounting on.
mkdir -p /etc/dconf/profile /etc/dconf/db/local.d/locks
printf 'user-db:user\nsystem-db:local\n' >/etc/dconf/profile/user
printf '[org/gnome/desktop/media-handling]\nautomount=true\nautomount-open=true\n' >/etc/dconf/db/local.d/00-test
dconf update
