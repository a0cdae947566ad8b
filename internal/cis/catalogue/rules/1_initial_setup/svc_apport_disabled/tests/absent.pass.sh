# Debian has no apport: nothing to disable.
! plat_pkg_is_installed apport
