// Package sbom turns a guest's package database (dpkg status, rpm query
// output, apk installed database) and its os-release into CycloneDX 1.6
// and SPDX 2.3 JSON documents that vulnerability scanners can use. It is
// pure Go and does no I/O beyond the readers it is given.
//
// The documents follow what the scanners' decoders read (checked against
// their sources):
//
//   - trivy, CycloneDX (pkg/sbom/io/decode.go): the one component of type
//     operating-system gives the OS family (its name) and release (its
//     version); a second one is an error ("multiple OS components are not
//     supported"). OS packages are the components the OS component's
//     dependencies entry lists. Source packages come from the
//     aquasecurity:trivy:SrcName, SrcVersion, SrcRelease and SrcEpoch
//     properties, else the binary name and version; rpm epochs from the
//     purl's epoch qualifier. The family must be one of trivy's names
//     ("redhat", not os-release's "rhel"), hence osFamily.
//   - trivy, SPDX (pkg/sbom/spdx/unmarshal.go): a package whose SPDXID
//     starts with SPDXRef-OperatingSystem is the OS (name = family,
//     versionInfo = release); SPDXRef-Package-* are packages; the source
//     package is read from sourceInfo "built package from: <name>
//     <version>", the version parsed as an rpm or Debian version.
//   - grype via syft, CycloneDX (syft's cyclonedxutil/helpers/decoder.go):
//     the first operating-system component is the distro (name = ID,
//     version = VERSION_ID, overridden by the syft:distro:* properties of
//     linux.Release's `cyclonedx`-tagged fields: id, prettyName,
//     versionID, versionCodename, idLike:N, not name). A package's
//     metadata is decoded from syft:package:metadataType (dpkg-db-entry,
//     rpm-db-entry, apk-db-entry) and syft:metadata:<field> properties
//     (helpers/component.go): source and sourceVersion, epoch, release and
//     sourceRpm, originPackage; that is where grype finds the source
//     package once the document went through `syft convert`. Grype also
//     reads the purl's upstream qualifier ("name" or "name@version" for
//     deb and apk, the source RPM file name for rpm) and the distro from
//     its distro qualifier; syft puts an rpm epoch qualifier in front of
//     the version.
//   - grype via syft, SPDX: the distro comes from the purls' distro
//     qualifier ("<id>-<version>").
package sbom
