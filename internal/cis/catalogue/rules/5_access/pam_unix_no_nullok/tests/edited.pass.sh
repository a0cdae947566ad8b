# The administrator took nullok out of the profile.
sed -i 's/[[:space:]]nullok//' /usr/share/pam-configs/unix
DEBIAN_FRONTEND=noninteractive pam-auth-update --package
