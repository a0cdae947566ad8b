# A banner text, but the banner is off.
mkdir -p /etc/dconf/db/gdm.d
printf "[org/gnome/login-screen]\nbanner-message-enable=false\nbanner-message-text='Authorised use only.'\n" >/etc/dconf/db/gdm.d/00-test
dconf update
