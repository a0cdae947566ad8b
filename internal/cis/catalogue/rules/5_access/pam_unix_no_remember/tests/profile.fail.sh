# An old-style password history on the pam_unix line.
sed -i '/pam_unix\.so.*obscure/s/pam_unix\.so /pam_unix.so remember=5 /' /usr/share/pam-configs/unix
DEBIAN_FRONTEND=noninteractive pam-auth-update --package
grep -q remember= /etc/pam.d/common-password
