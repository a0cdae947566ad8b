printf 'readonly TMOUT=600\nexport TMOUT\n' >/etc/profile.d/rt-tmout.sh
