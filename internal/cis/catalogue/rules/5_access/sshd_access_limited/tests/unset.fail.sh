# The parameter names the group; the image has no access list yet.
P_ssh_allow_groups=sudo
