# use_pty is set, then turned off again: alone on a line in a drop-in and
# within a list in sudoers.
printf 'Defaults !use_pty\n' >/etc/sudoers.d/50-test
chmod 0440 /etc/sudoers.d/50-test
printf 'Defaults\tmail_badpass, !use_pty\nDefaults:root !use_pty,env_reset\n' >>/etc/sudoers
