pkg_installed sudo || pkg_installed sudo-ldap
