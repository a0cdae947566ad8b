# pam_unix is the only password module: it asks for the password itself.
! grep -q use_authtok /etc/pam.d/common-password
