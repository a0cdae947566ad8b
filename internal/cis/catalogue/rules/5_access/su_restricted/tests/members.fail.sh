# su is restricted to a group that has members.
groupadd rt-su
useradd -M -G rt-su rt-user
sed -i '1i auth required pam_wheel.so use_uid group=rt-su' /etc/pam.d/su
