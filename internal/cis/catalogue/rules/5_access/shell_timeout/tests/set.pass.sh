printf 'declare -xr TMOUT=600\nreadonly TMOUT\nexport TMOUT\n' >/etc/profile.d/rt-tmout.sh
