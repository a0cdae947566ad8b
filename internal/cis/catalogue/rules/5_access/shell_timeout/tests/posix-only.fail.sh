# CIS's own form, without the declare -xr line scanners look for.
printf 'TMOUT=900\nreadonly TMOUT\nexport TMOUT\n' >/etc/profile.d/rt-tmout.sh
