# prelink is gone from Debian 12, so no layer can install it, yet an image
# upgraded from an older release may still carry it. A local package of
# that name stands in (replacing the template's case): the check must see
# it, and the remediation must purge it.
mkdir -p /tmp/rt-prelink/DEBIAN
cat >/tmp/rt-prelink/DEBIAN/control <<END
Package: prelink
Version: 0.0-rt1
Architecture: all
Maintainer: rule tests <rule-tests@invalid>
Description: stand-in for prelink in the rule tests
 Installed only to be purged.
END
dpkg-deb --root-owner-group --build /tmp/rt-prelink /tmp/prelink.deb >/dev/null
dpkg -i /tmp/prelink.deb >/dev/null
rm -rf /tmp/rt-prelink /tmp/prelink.deb
