rt_packages apparmor apparmor-utils
