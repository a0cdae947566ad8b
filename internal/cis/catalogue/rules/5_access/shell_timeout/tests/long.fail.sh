printf 'TMOUT=3600\nreadonly TMOUT\nexport TMOUT\n' >/etc/profile.d/rt-tmout.sh
