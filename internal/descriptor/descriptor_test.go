package descriptor

import (
	"strings"
	"testing"
)

func awsDescriptor() *Descriptor {
	return &Descriptor{Schema: SchemaURI, Provider: "aws", FSManifestDigest: "sha256:86ad",
		AWS: &AWSImage{Region: "eu-west-1", Account: "111122223333", ImageID: "ami-0abc", ARN: "arn:aws:ec2:eu-west-1::image/ami-0abc",
			Name: "debian <hardened> & co", CreationDate: "2026-11-23T10:00:00.000Z", Architecture: "x86_64", SnapshotIDs: []string{"snap-1", "snap-2"}}}
}

func TestCanonicalIsStableSortedAndParses(t *testing.T) {
	a, err := awsDescriptor().Canonical()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := awsDescriptor().Canonical()
	if string(a) != string(b) {
		t.Fatal("two encodings of the same image differ")
	}
	s := string(a)
	if !strings.HasSuffix(s, "}\n") || strings.Count(s, "\n") != 1 || strings.Contains(s, `\u003c`) {
		t.Errorf("not compact, newline-terminated, unescaped JSON: %s", s)
	}
	if i, j := strings.Index(s, `"account"`), strings.Index(s, `"arn"`); i < 0 || j < i {
		t.Errorf("keys not sorted: %s", s)
	}
	d, err := Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name() != "aws:eu-west-1:ami-0abc" {
		t.Errorf("name %q", d.Name())
	}
	if len(SHA256(a)) != 64 {
		t.Error("digest is not hex sha256")
	}
}

func TestParseRejects(t *testing.T) {
	good, _ := awsDescriptor().Canonical()
	tests := []struct {
		name, in, want string
	}{
		{"indented", strings.Replace(string(good), `{"aws":`, "{\n \"aws\":", 1), "not in canonical form"},
		{"unknown field", strings.Replace(string(good), `{"aws":`, `{"extra":1,"aws":`, 1), "unknown field"},
		{"wrong schema", strings.Replace(string(good), "image-descriptor-v1", "image-descriptor-v9", 1), "descriptor schema"},
		{"two providers", strings.Replace(string(good), `"provider":"aws"`, `"gce":{"project":"p","name":"n","id":"1","self_link":"","creation_timestamp":""},"provider":"aws"`, 1), "exactly that section"},
		{"missing account", strings.Replace(string(good), `"account":"111122223333"`, `"account":""`, 1), "needs region, account and image_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// FuzzParse: Parse never panics, and whatever it accepts re-encodes to the
// same bytes, so two readers can never disagree about a descriptor.
func FuzzParse(f *testing.F) {
	good, _ := awsDescriptor().Canonical()
	f.Add(good)
	f.Add([]byte(`{"schema":"x","provider":"gce"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		again, err := d.Canonical()
		if err != nil || string(again) != string(b) {
			t.Fatalf("accepted %q, which re-encodes to %q (%v)", b, again, err)
		}
	})
}
