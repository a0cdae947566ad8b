# AppArmor and its profiles, installed once for the cases of the AppArmor rules.
rt_packages apparmor apparmor-utils apparmor-profiles
