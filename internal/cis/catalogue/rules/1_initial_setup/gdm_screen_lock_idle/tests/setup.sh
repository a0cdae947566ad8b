# The rule applies to images with GDM: it is installed once for all the
# cases of the GDM rules.
rt_packages gdm3 dconf-cli
